using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using BenchmarkDotNet.Attributes;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Providers;
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

    /// <summary>Words in the reply, each its own streamed piece: 1 shows the cost per message, 300 the cost per piece.</summary>
    [Params(1, 300)]
    public int Words { get; set; } = 1;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var reply = Words == 1 ? "Hello." : string.Join(' ', Enumerable.Range(0, Words).Select(i => $"word{i % 50}"));
        var (bytes, mediaType) = await ReplayTransport.CaptureAsync(Api, reply);
        var handler = new ReplayTransport.Handler(bytes, mediaType, Paced);
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
}
