using System.Net;
using System.Net.Http.Headers;
using Crosstalk.Testing.FakeProviders;

namespace Crosstalk.Benchmarks.Providers;

/// <summary>
/// Provider traffic without a network, for the in-process benchmarks (<see cref="MiddlewareBenchmarks"/>, and
/// <c>provider-overhead --in-memory</c>): one reply's exact bytes, captured once from the fake server, served from memory
/// by an <see cref="HttpMessageHandler"/> as many times as asked.
/// </summary>
internal static class ReplayTransport
{
    /// <summary>One streamed reply from the fake server, as bytes on the wire, and its media type.</summary>
    public static async Task<(byte[] Bytes, string MediaType)> CaptureAsync(string api, string reply = "Hello.")
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

    /// <summary>
    /// Answers every request with the captured reply; <paramref name="paced"/>: one server-sent event per read, each after
    /// a trip through the thread pool, as from a socket.
    /// </summary>
    public sealed class Handler(byte[] bytes, string mediaType, bool paced) : HttpMessageHandler
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
