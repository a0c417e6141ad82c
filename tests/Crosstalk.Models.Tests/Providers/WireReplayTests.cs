using System.Text.Json.Nodes;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>The real recorded responses, served by the fake servers, read by the real SDK clients through our pipeline.</summary>
public sealed class WireReplayTests
{
    public static TheoryData<string> OpenAINames() => [.. WireFixtures.OpenAINames];

    public static TheoryData<string> AnthropicNames() => [.. WireFixtures.AnthropicNames];

    [Theory]
    [MemberData(nameof(OpenAINames))]
    public async Task OpenAI_RecordedSession_ReadsTheSameTextUsageAndFinish(string name)
    {
        await using var fakes = await FakeModels.StartAsync();
        foreach (var (request, recorded) in WireFixtures.OpenAI(name))
        {
            fakes.OpenAI.Enqueue(recorded);
            var model = request["model"]!.GetValue<string>();
            var messages = request["messages"]!.AsArray().OfType<JsonObject>()
                .Select(m => new ChatMessage(new ChatRole(m["role"]!.GetValue<string>()), m["content"]!.GetValue<string>()))
                .ToList();
            var streamed = request["stream"]?.GetValue<bool>() ?? false;
            using var client = fakes.Factory.CreateClient($"fake-openai:{model}", out _);

            if (recorded.StatusCode != 200)
            {
                var error = await Assert.ThrowsAsync<Crosstalk.Models.Providers.ProviderException>(() => client.GetResponseAsync(messages));
                Assert.Equal(recorded.StatusCode, error.StatusCode);
                continue;
            }

            var expected = OpenAIExpectation.From(recorded);
            ChatResponse response = streamed
                ? (await client.GetStreamingResponseAsync(messages).ToListAsync()).ToChatResponse()
                : await client.GetResponseAsync(messages);

            Assert.Equal(expected.Text, response.Text);
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
            Assert.Equal(expected.PromptTokens, response.Usage?.InputTokenCount);
            Assert.Equal(expected.CompletionTokens, response.Usage?.OutputTokenCount);
            Assert.False(response.Usage?.AdditionalCounts?.ContainsKey("estimated") ?? false);
            if (expected.ReasoningTokens > 0)
            {
                Assert.Equal(expected.ReasoningTokens, response.Usage?.ReasoningTokenCount);
            }

            // What the SDK sent has the recording's shape: same messages, and a stream asks for usage.
            var sent = fakes.OpenAI.Requests[^1];
            Assert.Equal(messages.Select(m => m.Text), sent.Messages.Select(m => m.Text));
            Assert.Equal(model, sent.Model);
            if (streamed)
            {
                Assert.True(sent.Body["stream_options"]?["include_usage"]?.GetValue<bool>());
            }
        }
    }

    [Theory]
    [MemberData(nameof(AnthropicNames))]
    public async Task Anthropic_RecordedStream_ReadsTheSameTextReasoningUsageAndStop(string name)
    {
        await using var fakes = await FakeModels.StartAsync();
        var recorded = WireFixtures.Anthropic(name);
        fakes.Anthropic.Enqueue(recorded);
        var expected = AnthropicExpectation.From(recorded);
        using var client = fakes.Factory.CreateClient("fake-claude", out _);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me about solar eclipses.")]).ToListAsync();
        var response = updates.ToChatResponse();

        Assert.Equal(expected.Text, response.Text);
        var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.Equal(expected.Thinking, reasoning);
        Assert.DoesNotContain(expected.Thinking.Length > 0 ? expected.Thinking : "\u0000", response.Text, StringComparison.Ordinal);
        Assert.Equal(expected.InputTokens, response.Usage?.InputTokenCount);
        Assert.Equal(expected.OutputTokens, response.Usage?.OutputTokenCount);
        Assert.Equal(
            expected.StopReason switch
            {
                "end_turn" => ChatFinishReason.Stop,
                "refusal" => ChatFinishReason.ContentFilter,
                "max_tokens" => ChatFinishReason.Length,
                "tool_use" => ChatFinishReason.ToolCalls,
                var other => new ChatFinishReason(other!),
            },
            response.FinishReason);
    }

    private sealed record OpenAIExpectation(string Text, long PromptTokens, long CompletionTokens, long ReasoningTokens)
    {
        public static OpenAIExpectation From(RecordedResponse recorded)
        {
            var text = "";
            JsonNode? usage = null;
            if (recorded.ContentType.StartsWith("text/event-stream", StringComparison.Ordinal))
            {
                foreach (var line in recorded.Chunks.Select(c => c.Trim()).Where(c => c.StartsWith("data: {", StringComparison.Ordinal)))
                {
                    var chunk = JsonNode.Parse(line[6..])!;
                    text += string.Concat(chunk["choices"]!.AsArray().Select(c => c!["delta"]?["content"]?.GetValue<string>()));
                    usage = chunk["usage"] ?? usage;
                }
            }
            else
            {
                var body = JsonNode.Parse(recorded.Chunks[0])!;
                text = body["choices"]![0]!["message"]!["content"]!.GetValue<string>();
                usage = body["usage"];
            }

            return new(
                text,
                usage!["prompt_tokens"]!.GetValue<long>(),
                usage["completion_tokens"]!.GetValue<long>(),
                usage["completion_tokens_details"]?["reasoning_tokens"]?.GetValue<long>() ?? 0);
        }
    }

    private sealed record AnthropicExpectation(string Text, string Thinking, long InputTokens, long OutputTokens, string? StopReason)
    {
        public static AnthropicExpectation From(RecordedResponse recorded)
        {
            string text = "", thinking = "";
            long input = 0, output = 0;
            string? stop = null;
            foreach (var e in recorded.Chunks)
            {
                var data = e.Split('\n').FirstOrDefault(l => l.StartsWith("data: ", StringComparison.Ordinal));
                if (data is null)
                {
                    continue;
                }

                var json = JsonNode.Parse(data[6..])!;
                switch (json["type"]!.GetValue<string>())
                {
                    case "message_start":
                        input = json["message"]!["usage"]!["input_tokens"]!.GetValue<long>();
                        output = json["message"]!["usage"]!["output_tokens"]!.GetValue<long>();
                        break;
                    case "content_block_delta" when json["delta"]!["type"]!.GetValue<string>() == "text_delta":
                        text += json["delta"]!["text"]!.GetValue<string>();
                        break;
                    case "content_block_delta" when json["delta"]!["type"]!.GetValue<string>() == "thinking_delta":
                        thinking += json["delta"]!["thinking"]!.GetValue<string>();
                        break;
                    case "message_delta":
                        stop = json["delta"]!["stop_reason"]?.GetValue<string>();
                        output = json["usage"]?["output_tokens"]?.GetValue<long>() ?? output;
                        input = json["usage"]?["input_tokens"]?.GetValue<long>() ?? input;
                        break;
                }
            }

            return new(text, thinking, input, output, stop);
        }
    }
}
