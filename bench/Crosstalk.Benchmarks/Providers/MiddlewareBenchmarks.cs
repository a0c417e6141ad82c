using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using Anthropic;
using BenchmarkDotNet.Attributes;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Crosstalk.Benchmarks.Providers;

/// <summary>
/// The middleware's own cost per streamed reply, without a network: the fake server's exact response bytes for one
/// reply, captured once, are served from memory to both the bare SDK client and Crosstalk's full client pipeline
/// (<see cref="ModelClientFactory"/>). The difference is what the middleware adds to every call.
/// </summary>
[MemoryDiagnoser]
public class MiddlewareBenchmarks
{
    private readonly List<ChatMessage> _history = [];
    private IChatClient _bare = null!;
    private IChatClient _crosstalk = null!;
    private IChatClient _reasoning = null!;
    private IChatClient _usage = null!;
    private IChatClient _resilient = null!;
    private ModelClientFactory _factory = null!;
    private HttpClient _http = null!;

    [Params("openai", "anthropic")]
    public string Api { get; set; } = "openai";

    /// <summary>When true, every server-sent event arrives on its own read after a trip through the thread pool, as from a socket.</summary>
    [Params(false, true)]
    public bool Paced { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var (bytes, mediaType) = await CaptureAsync(Api);
        var handler = new ReplayHandler(bytes, mediaType, Paced);
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var endpoint = new Uri(Api == "anthropic" ? "http://127.0.0.1:9/" : "http://127.0.0.1:9/v1/");
        _bare = Api == "anthropic"
            ? new AnthropicClient(new Anthropic.Core.ClientOptions { ApiKey = "no-key", BaseUrl = endpoint.ToString().TrimEnd('/'), HttpClient = _http, MaxRetries = 0 })
                .AsIChatClient("fake-a", 4096)
            : new OpenAI.Chat.ChatClient("fake-a", new ApiKeyCredential("no-key"), new OpenAIClientOptions { Endpoint = endpoint, Transport = new HttpClientPipelineTransport(_http) })
                .AsIChatClient();
        var catalog = ModelCatalog.Parse($$"""
            providers:
              fake:
                api: {{Api}}
                endpoint: {{endpoint}}
            models:
              - { name: fake-a, display: "Fake A", provider: fake, model: fake-a }
            """, "middleware-bench", new SecretStore(Path.Combine(Path.GetTempPath(), "crosstalk-bench-no-secrets.env"), _ => null));
        _factory = new ModelClientFactory(catalog, new ModelClientFactoryOptions { HttpHandler = handler });
        _crosstalk = _factory.CreateClient("fake-a", out var entry);
        _reasoning = Api == "anthropic" ? _bare : new OpenAIReasoningChatClient(_bare);
        _usage = new global::Crosstalk.Models.Middleware.UsageChatClient(_reasoning, entry);
        var resilience = new global::Crosstalk.Models.Middleware.ResilienceOptions();
        _resilient = new global::Crosstalk.Models.Middleware.ResilientChatClient(
            _usage, resilience, new global::Crosstalk.Models.Middleware.EndpointCircuit(resilience), "Fake A");
        _history.Add(new ChatMessage(ChatRole.Assistant, " "));
        for (var i = 0; i < 10; i++)
        {
            _history.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"Message {i} of a conversation that goes on for a while."));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _factory.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareSdk() => ReadAsync(_bare);

    [Benchmark]
    public Task<int> Crosstalk() => ReadAsync(_crosstalk);

    [Benchmark]
    public Task<int> Reasoning() => ReadAsync(_reasoning);

    [Benchmark]
    public Task<int> Usage() => ReadAsync(_usage);

    [Benchmark]
    public Task<int> Resilient() => ReadAsync(_resilient);

    private async Task<int> ReadAsync(IChatClient client)
    {
        var count = 0;
        await foreach (var update in client.GetStreamingResponseAsync(_history))
        {
            count += update.Contents.Count;
        }

        return count;
    }

    // One streamed reply from the fake server, as bytes on the wire.
    internal static async Task<(byte[] Bytes, string MediaType)> CaptureAsync(string api, string reply = "Hello.")
    {
        await using FakeProviderServer server = api == "anthropic" ? await FakeAnthropicServer.StartAsync() : await FakeOpenAIServer.StartAsync();
        server.Reply = _ => new FakeReply(reply);
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, api == "anthropic" ? "v1/messages" : "v1/chat/completions"))
        {
            Content = new StringContent(
                """{"model":"fake-a","max_tokens":100,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""",
                new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("x-api-key", "no-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType ?? "text/event-stream");
    }

    internal sealed class ReplayHandler(byte[] bytes, string mediaType, bool paced) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Serialize the request as a socket handler would.
            if (request.Content is { } content)
            {
                await content.CopyToAsync(Stream.Null, cancellationToken);
            }

            // Not seekable either way, as a socket's stream is not. System.ClientModel, disposing a response whose stream
            // is seekable, tries to buffer it and fails once it has been read from ("Content stream position is not at
            // beginning of stream"); with a read timeout the SDK wraps the stream and hides this, without one it does not.
            HttpContent body = new StreamContent(new ReplayStream(bytes, paced));
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = body, RequestMessage = request };
        }
    }

    // Paced: returns one server-sent event per read, each after yielding to the thread pool. Otherwise: as much as the
    // reader asks for, at once.
    private sealed class ReplayStream(byte[] bytes, bool paced) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= bytes.Length)
            {
                return 0;
            }

            if (!paced)
            {
                var all = Math.Min(buffer.Length, bytes.Length - _position);
                bytes.AsSpan(_position, all).CopyTo(buffer.Span);
                _position += all;
                return all;
            }

            await Task.Yield();
            var end = bytes.AsSpan(_position).IndexOf("\n\n"u8);
            var length = Math.Min(buffer.Length, end < 0 ? bytes.Length - _position : end + 2);
            bytes.AsSpan(_position, length).CopyTo(buffer.Span);
            _position += length;
            return length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
