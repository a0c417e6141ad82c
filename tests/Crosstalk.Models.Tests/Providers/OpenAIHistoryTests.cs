using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>Through the whole client pipeline, a history (growing, edited, shrunk) goes on the wire exactly as the bare SDK sends it, and the caller's messages are left as they were.</summary>
public sealed class OpenAIHistoryTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_SameHistoryTwice_SendsExactlyWhatTheSdkAloneSends()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var client = fakes.Factory.CreateClient("fake-4o", out _);
        List<ChatMessage> history =
        [
            new(ChatRole.System, "You are A."),
            new(ChatRole.User, " "),
            new(ChatRole.Assistant, "Hello there."),
            new(ChatRole.User, "Ünïcode, \"quotes\" and\nnew lines."),
        ];

        await client.GetStreamingResponseAsync(history).ToListAsync();
        await client.GetStreamingResponseAsync(history).ToListAsync();
        using var http = new HttpClient();
        var bare = new OpenAI.Chat.ChatClient(
            "gpt-4o", new ApiKeyCredential(FakeModels.OpenAIKey), new OpenAIClientOptions { Endpoint = fakes.OpenAI.Endpoint, Transport = new HttpClientPipelineTransport(http) })
            .AsIChatClient();
        List<ChatMessage> fresh = [.. history.Select(m => new ChatMessage(m.Role, m.Text))];
        await bare.GetStreamingResponseAsync(fresh).ToListAsync();

        var requests = fakes.OpenAI.Requests;
        Assert.Equal(3, requests.Count);
        var expected = requests[2].Body["messages"]!.ToJsonString();
        Assert.Equal(expected, requests[0].Body["messages"]!.ToJsonString());
        Assert.Equal(expected, requests[1].Body["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task GetResponseAsync_MessageTextReplacedBetweenCalls_NewTextIsSent()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var client = fakes.Factory.CreateClient("fake-4o", out _);
        var message = new ChatMessage(ChatRole.User, "First version.");

        await client.GetResponseAsync([message]);
        message.Contents = [new TextContent("Second version.")];
        await client.GetResponseAsync([message]);
        message.Role = ChatRole.Assistant;
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi."), message]);

        var requests = fakes.OpenAI.Requests;
        Assert.Equal("First version.", requests[0].Body["messages"]![0]!["content"]!.ToString());
        Assert.Equal("Second version.", requests[1].Body["messages"]![0]!["content"]!.ToString());
        Assert.Equal("assistant", requests[2].Body["messages"]![1]!["role"]!.ToString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HistoryGrowsBetweenCalls_EveryRequestSendsWhatTheSdkAloneSends()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var client = fakes.Factory.CreateClient("fake-4o", out _);
        using var http = new HttpClient();
        var bare = new OpenAI.Chat.ChatClient(
            "gpt-4o", new ApiKeyCredential(FakeModels.OpenAIKey), new OpenAIClientOptions { Endpoint = fakes.OpenAI.Endpoint, Transport = new HttpClientPipelineTransport(http) })
            .AsIChatClient();
        List<ChatMessage> history = [new(ChatRole.System, "You are A."), new(ChatRole.User, " ")];

        // A conversation's view: the same list, one reply and one answer longer each time.
        for (var turn = 0; turn < 3; turn++)
        {
            await client.GetStreamingResponseAsync(history).ToListAsync();
            await bare.GetStreamingResponseAsync([.. history.Select(m => new ChatMessage(m.Role, m.Text))]).ToListAsync();
            history.Add(new ChatMessage(ChatRole.Assistant, $"Reply {turn}."));
            history.Add(new ChatMessage(ChatRole.User, $"Answer {turn}, \"quoted\"."));
        }

        var requests = fakes.OpenAI.Requests;
        Assert.Equal(6, requests.Count);
        for (var turn = 0; turn < 3; turn++)
        {
            Assert.Equal(requests[(2 * turn) + 1].Body["messages"]!.ToJsonString(), requests[2 * turn].Body["messages"]!.ToJsonString());
        }

        Assert.Equal(6, requests[4].Body["messages"]!.AsArray().Count);
        Assert.All(history, m => Assert.Null(m.RawRepresentation));
    }

    [Fact]
    public async Task GetResponseAsync_SameListShrunkOrItsLastMessageReplaced_EditedTextIsSent()
    {
        await using var fakes = await FakeModels.StartAsync();
        using var client = fakes.Factory.CreateClient("fake-4o", out _);
        var first = new ChatMessage(ChatRole.User, "First version.");
        List<ChatMessage> history = [first, new(ChatRole.Assistant, "Reply."), new(ChatRole.User, "Next.")];
        await client.GetResponseAsync(history);

        // Shrunk, with its first message edited in place.
        history.RemoveRange(1, 2);
        first.Contents = [new TextContent("Second version.")];
        await client.GetResponseAsync(history);

        // Grown again, then its last message swapped for another, with the first edited once more.
        history.Add(new ChatMessage(ChatRole.Assistant, "Reply."));
        await client.GetResponseAsync(history);
        first.Contents = [new TextContent("Third version.")];
        history[^1] = new ChatMessage(ChatRole.Assistant, "Another reply.");
        await client.GetResponseAsync(history);

        var requests = fakes.OpenAI.Requests;
        Assert.Equal("First version.", requests[0].Body["messages"]![0]!["content"]!.ToString());
        Assert.Equal("Second version.", requests[1].Body["messages"]![0]!["content"]!.ToString());
        Assert.Equal("Third version.", requests[3].Body["messages"]![0]!["content"]!.ToString());
        Assert.Equal("Another reply.", requests[3].Body["messages"]![1]!["content"]!.ToString());
    }
}
