using Crosstalk.Conversations;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>
/// A provider's answer is untrusted input, like a file: what a hostile or broken server sends (found by auditing the live
/// path against one) is recorded, retried or refused in one line, and never shows the key.
/// </summary>
public sealed class HostileProviderTests
{
    private const string Chunk = """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"usage [END]"},"finish_reason":null}]}""";

    [Fact]
    public async Task Unauthorized_APlainTextBodyEchoingTheKeyAcrossWhereItIsCut_ShowsNoneOfIt()
    {
        // The excerpt of a body that is not JSON was cut at 200 characters before the key was taken out: cut in two, the
        // key no longer matched, and 14 of its characters (60 of a 64-character hex key) were shown, stored and logged.
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Enqueue(new RecordedResponse(401, "text/plain", [new string('.', 190) + FakeModels.OpenAIKey + " is not a key we know."]));
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain(FakeModels.OpenAIKey[..8], error.Message, StringComparison.Ordinal);
        Assert.All(error.Attempts, a => Assert.DoesNotContain(FakeModels.OpenAIKey[..8], a.Error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e20")]
    public async Task RateLimited_ARetryAfterBeyondAnyTime_IsWaitedUpToTheCapAndRetried(string milliseconds)
    {
        // TimeSpan.FromMilliseconds overflowed: a rate limit became a permanent failure after one attempt.
        var resilience = FakeModels.FastResilience();
        resilience.MaxRetryAfter = TimeSpan.FromMilliseconds(20);
        await using var fakes = await FakeModels.StartAsync(resilience: resilience);
        fakes.OpenAI.Enqueue(new RecordedResponse(429, "application/json", ["""{"error":{"message":"slow down","type":"rate_limit_error"}}"""], new Dictionary<string, string> { ["retry-after-ms"] = milliseconds }));
        fakes.OpenAI.Reply = _ => new FakeReply("Hello.");
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("Hello.", response.Text);
        Assert.Equal(2, fakes.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData("""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"brand_new_reason"}]}""")]
    [InlineData("""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"\ud800"},"finish_reason":null}]}""")]
    [InlineData("""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":"not an object","finish_reason":null}]}""")]
    public async Task OpenAIStream_AChunkTheSdkCannotRead_IsAGarbledStream_Retried(string unreadable)
    {
        // The SDK throws what its JSON reading throws (an unknown finish reason, a lone surrogate, a value of the wrong
        // kind): taken for a permanent failure of the model, the reply was lost after one attempt.
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Enqueue(new RecordedResponse(200, "text/event-stream", ["data: " + Chunk + "\n\n", "data: " + unreadable + "\n\n", "data: [DONE]\n\n"]));
        fakes.OpenAI.Reply = _ => new FakeReply("Hello again.");
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync();

        Assert.EndsWith("Hello again.", updates.ToChatResponse().Text, StringComparison.Ordinal);
        Assert.Equal(2, fakes.OpenAI.RequestCount);
    }

    [Fact]
    public async Task OpenAIStream_ARefusalInItsOwnField_IsTheMessagesText()
    {
        // OpenAI sends a refusal as "refusal" beside an empty "content": it was dropped, and the message stored empty.
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Enqueue(new RecordedResponse(200, "text/event-stream",
        [
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I'm sorry, \"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't help with that.\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        ]));
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Help me with something bad.")]).ToListAsync();

        Assert.Equal("I'm sorry, I can't help with that.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task AWebPageWhereTheReplyBelongs_IsSaidToBeOne_NotACutStream()
    {
        // A proxy's sign-in page answered 200: it was reported as "ended the stream before sending anything".
        var resilience = FakeModels.FastResilience();
        resilience.MaxAttempts = 1;
        await using var fakes = await FakeModels.StartAsync(resilience: resilience);
        fakes.OpenAI.Enqueue(new RecordedResponse(200, "text/html", ["<html><head><title>Sign in to the proxy</title></head><body>\n<form>…</form></body></html>"]));
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync().AsTask());

        Assert.Equal("not_api", error.Kind);
        Assert.True(error.IsTransient);
        Assert.Contains("answered 200 with a web page, not the API's reply (not_api): <html><head><title>Sign in to the proxy", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task AServerThatClosesInTheMiddleOfItsHeaders_WasReached_NotUnreachable()
    {
        // It was reported as "could not be reached": the user looks for a wrong host or port, when the server answered.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var socket = await listener.AcceptSocketAsync();
                var buffer = new byte[65536];
                await socket.ReceiveAsync(buffer);
                await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event"u8.ToArray());
                socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            }
        });
        var resilience = FakeModels.FastResilience();
        resilience.MaxAttempts = 1;
        await using var fakes = await FakeModels.StartAsync(
            resilience: resilience,
            extraYaml: $"  - {{ name: closer, api: openai, endpoint: \"http://127.0.0.1:{port}/v1\", model: m, key: CROSSTALK_TEST_OPENAI_KEY }}\n");
        using var client = fakes.Factory.CreateClient("closer", out _);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync().AsTask());

        Assert.Contains($"127.0.0.1:{port} was reached but sent no whole answer", error.Message, StringComparison.Ordinal);
        Assert.Equal("network", error.Kind);
        listener.Stop();
    }

    [Theory]
    [InlineData(-100000, -100000)]
    [InlineData(4611686018427387904, 4611686018427387904)]
    public async Task Usage_NegativeOrBeyondAnyContext_IsEstimatedInstead(long input, long output)
    {
        // Counts a provider makes up let a conversation slip past --token-budget (and 2^62 twice overflowed its total).
        await using var fakes = await FakeModels.StartAsync();
        fakes.Anthropic.Enqueue(new RecordedResponse(200, "text/event-stream",
        [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Counted wrong.\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + output + "}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]));
        using var client = fakes.Factory.CreateClient("fake-claude", out _);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync();

        Assert.Equal("Counted wrong.", updates.ToChatResponse().Text);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.InRange(usage.InputTokenCount!.Value, 1, 1000);
        Assert.InRange(usage.OutputTokenCount!.Value, 1, 1000);
        Assert.True(usage.AdditionalCounts?.ContainsKey(ChatUpdateKeys.Estimated));
    }
}
