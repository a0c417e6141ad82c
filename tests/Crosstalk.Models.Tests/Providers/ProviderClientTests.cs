using Crosstalk.Conversations;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

public sealed class ProviderClientTests
{
    [Fact]
    public async Task CreateClient_OpenAICompatible_SdkReArmsNoReadTimerOfItsOwn()
    {
        // With a finite network timeout, System.ClientModel wraps every streamed response in a stream that re-arms a
        // timer before each read, which cost measurable CPU per chunk (BENCHMARKS.md, fifth look). The resilience layer
        // bounds the first token, the gaps between chunks and the whole call instead, so the SDK's own timeout is off.
        await using var fakes = await FakeModels.StartAsync();
        using var client = fakes.Factory.CreateClient("fake-4o", out _);
        var sdk = client.GetService<OpenAI.Chat.ChatClient>();
        Assert.NotNull(sdk);

        using var message = sdk.Pipeline.CreateMessage();
        message.Request.Method = "GET";
        message.Request.Uri = new Uri(fakes.OpenAI.Endpoint, "models");
        try
        {
            await sdk.Pipeline.SendAsync(message);
        }
        catch (ProviderException)
        {
            // Whatever the fake server answers to this request, the pipeline has applied its timeout by then.
        }

        Assert.Equal(Timeout.InfiniteTimeSpan, message.NetworkTimeout);
    }

    [Theory]
    [InlineData("fake-4o")]
    [InlineData("fake-claude")]
    public async Task GetStreamingResponseAsync_FakeServer_TextReasoningUsageAndCostArrive(string model)
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Reply = fakes.Anthropic.Reply = _ => new FakeReply("Hello there, friend.", Reasoning: "They greeted me; greet back.");
        using var client = fakes.Factory.CreateClient(model, out var entry);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync();
        var response = updates.ToChatResponse();

        Assert.Equal("Hello there, friend.", response.Text);
        var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.Equal("They greeted me; greet back.", reasoning);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.True(usage.InputTokenCount > 0);
        Assert.Equal(8, usage.OutputTokenCount);
        Assert.False(usage.AdditionalCounts?.ContainsKey(ChatUpdateKeys.Estimated) ?? false);
        var cost = Assert.Single(updates.SelectMany(u => u.Contents).OfType<CostContent>());
        Assert.Equal(entry.Cost(usage.InputTokenCount!.Value, 8), cost.Usd);
    }

    [Theory]
    [InlineData("fake-4o")]
    [InlineData("fake-claude")]
    public async Task GetResponseAsync_FakeServer_TextReasoningAndUsage(string model)
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Reply = fakes.Anthropic.Reply = _ => new FakeReply("Plain answer.", Reasoning: "Thinking hard.", InputTokens: 12, OutputTokens: 5);
        using var client = fakes.Factory.CreateClient(model, out _);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("Plain answer.", response.Text);
        Assert.Contains(response.Messages.SelectMany(m => m.Contents), c => c is TextReasoningContent { Text: "Thinking hard." });
        Assert.Equal(12, response.Usage?.InputTokenCount);
        Assert.Equal(5, response.Usage?.OutputTokenCount);
    }

    [Theory]
    [InlineData("reasoning_content", true)]
    [InlineData("reasoning", true)]
    [InlineData("reasoning_content", false)]
    [InlineData("reasoning", false)]
    public async Task OpenAICompatible_ReasoningField_LandsInReasoningNotContent(string field, bool stream)
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.ReasoningField = field;
        fakes.OpenAI.Reply = _ => new FakeReply("The answer.", Reasoning: "Private thoughts.");
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var response = stream
            ? (await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync()).ToChatResponse()
            : await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("The answer.", response.Text);
        Assert.Equal("Private thoughts.", string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
    }

    [Fact]
    public async Task OpenAICompatible_OneChunkEndsTheReasoningAndStartsTheAnswer_BothKeptApart()
    {
        // vLLM's reasoning parsers send the end of the reasoning and the start of the answer in one delta.
        await using var fakes = await FakeModels.StartAsync();
        static string Chunk(string delta, string? finish = null) =>
            $"data: {{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{(finish is null ? "null" : $"\"{finish}\"")}}}]}}\n\n";
        fakes.OpenAI.Enqueue(new RecordedResponse(200, "text/event-stream",
        [
            Chunk("""{"role":"assistant","content":"","reasoning":"Let me "}"""),
            Chunk("""{"reasoning":"think."}"""),
            Chunk("""{"reasoning":" Done.","content":"The "}"""),
            Chunk("""{"content":"answer."}"""),
            Chunk("{}", "stop"),
            "data: [DONE]\n\n",
        ]));
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var response = (await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync()).ToChatResponse();

        Assert.Equal("The answer.", response.Text);
        Assert.Equal("Let me think. Done.", string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
    }
}
