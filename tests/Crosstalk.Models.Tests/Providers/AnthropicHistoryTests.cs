using Anthropic;
using Anthropic.Models.Messages;
using Crosstalk.Models.Providers;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>Each history text is converted to the Anthropic SDK's content block once; what goes on the wire must not change.</summary>
public sealed class AnthropicHistoryTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_HistoryGrowsBetweenCalls_EveryRequestSendsWhatTheSdkAloneSends()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var http = new HttpClient();
        var bare = Bare(fakes, http);
        using var client = new AnthropicHistoryChatClient(Bare(fakes, http));

        // Blank texts (left out by the SDK), trailing white space (cut from an assistant's text only), escapes.
        List<ChatMessage> history = [new(ChatRole.System, "You are A."), new(ChatRole.User, " ")];
        for (var turn = 0; turn < 3; turn++)
        {
            await client.GetStreamingResponseAsync(history).ToListAsync();
            await bare.GetStreamingResponseAsync(Fresh(history)).ToListAsync();
            history.Add(new ChatMessage(ChatRole.Assistant, turn == 1 ? "  \n" : $"Reply {turn}.  \n"));
            history.Add(new ChatMessage(ChatRole.User, $"Ünïcode answer {turn}, \"quoted\"\nand trailing.  "));
        }

        var requests = fakes.Anthropic.Requests;
        Assert.Equal(6, requests.Count);
        for (var turn = 0; turn < 3; turn++)
        {
            Assert.Equal(requests[(2 * turn) + 1].Body["messages"]!.ToJsonString(), requests[2 * turn].Body["messages"]!.ToJsonString());
        }

        // The system prompt goes to "system" and the blank opener is left out, so the first reply comes first.
        Assert.Equal("Reply 0.", requests[4].Body["messages"]![0]!["content"]![0]!["text"]!.ToString());
        Assert.IsType<ContentBlockParam>(history[2].Contents[0].RawRepresentation);
    }

    [Fact]
    public async Task GetResponseAsync_TextOrRoleChangedBetweenCalls_NewTextIsSent()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var http = new HttpClient();
        using var client = new AnthropicHistoryChatClient(Bare(fakes, http));
        var message = new ChatMessage(ChatRole.User, "First version.  ");

        await client.GetResponseAsync([message]);
        message.Contents = [new TextContent("Second version.  ")];
        await client.GetResponseAsync([message]);
        ((TextContent)message.Contents[0]).Text = "Third version.  ";
        await client.GetResponseAsync([message]);
        message.Role = ChatRole.Assistant;
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi."), message]);
        ((TextContent)message.Contents[0]).Text = "   ";
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi."), message]);

        var requests = fakes.Anthropic.Requests;
        Assert.Equal("First version.  ", Text(requests[0], 0));
        Assert.Equal("Second version.  ", Text(requests[1], 0));
        Assert.Equal("Third version.  ", Text(requests[2], 0));
        Assert.Equal("assistant", requests[3].Body["messages"]![1]!["role"]!.ToString());
        Assert.Equal("Third version.", Text(requests[3], 1));
        Assert.Single(requests[4].Body["messages"]!.AsArray());
    }

    [Fact]
    public async Task GetResponseAsync_SomebodyElsesBlockOnTheText_SentAsItIs()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var http = new HttpClient();
        using var client = new AnthropicHistoryChatClient(Bare(fakes, http));
        var theirs = new ContentBlockParam(new TextBlockParam { Text = "Their own block." });
        var message = new ChatMessage(ChatRole.User, [new TextContent("Plain text.") { RawRepresentation = theirs }]);

        await client.GetResponseAsync([message]);

        Assert.Same(theirs, message.Contents[0].RawRepresentation);
        Assert.Equal("Their own block.", Text(fakes.Anthropic.Requests[0], 0));
    }

    [Fact]
    public async Task GetResponseAsync_CacheControlAskedForAfterTheTextWasKept_SentWithIt()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var http = new HttpClient();
        using var client = new AnthropicHistoryChatClient(Bare(fakes, http));
        var text = new TextContent("A long document worth caching.");
        List<ChatMessage> history = [new(ChatRole.User, [text])];
        await client.GetResponseAsync(history);

        text.WithCacheControl(new CacheControlEphemeral());
        await client.GetResponseAsync([.. history]);

        var requests = fakes.Anthropic.Requests;
        Assert.Null(requests[0].Body["messages"]![0]!["content"]![0]!["cache_control"]);
        Assert.Equal("ephemeral", requests[1].Body["messages"]![0]!["content"]![0]!["cache_control"]!["type"]!.ToString());
    }

    private static IChatClient Bare(FakeModels fakes, HttpClient http) =>
        new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = FakeModels.AnthropicKey,
            BaseUrl = fakes.Anthropic.Endpoint.ToString().TrimEnd('/'),
            HttpClient = http,
            MaxRetries = 0,
        }).AsIChatClient("claude-sonnet-4-5", 4096);

    private static List<ChatMessage> Fresh(List<ChatMessage> history) => [.. history.Select(m => new ChatMessage(m.Role, m.Text))];

    private static string Text(Crosstalk.Testing.FakeProviders.FakeRequest request, int message) =>
        request.Body["messages"]![message]!["content"]![0]!["text"]!.ToString();
}
