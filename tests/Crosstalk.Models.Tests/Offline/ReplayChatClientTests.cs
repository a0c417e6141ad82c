using Crosstalk.Models.Offline;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Offline;

public sealed class ReplayChatClientTests
{
    internal static Transcript HandMade() => new()
    {
        Title = "Ada ↔ Bo",
        Participants = [new Participant(1, "Ada", "test:ada"), new Participant(2, "Bo", "test:bo")],
        Messages =
        [
            new TranscriptMessage { Seat = 1, Speaker = "Ada", Content = " " },
            new TranscriptMessage
            {
                Seat = 2,
                Speaker = "Bo",
                Content = "Hello there.\n\nHow are you?",
                Reasoning = "They said nothing; greet them.",
                Usage = new TokenUsage(10, 5, 3),
                FinishReason = "stop",
            },
            new TranscriptMessage { Seat = 1, Speaker = "Ada", Content = "Fine,  thanks!  And you?" },
            new TranscriptMessage { Seat = 2, Speaker = "Bo", Content = "Great. [END]", FinishReason = "length" },
            new TranscriptMessage { Seat = 1, Speaker = "Ada", Content = "  Bye.\n" },
        ],
    };

    [Fact]
    public async Task GetResponseAsync_BothSeatsReplayed_ReproduceTheTranscriptExactly()
    {
        var transcript = HandMade();
        using var ada = new ReplayChatClient(transcript, 1);
        using var bo = new ReplayChatClient(transcript, 2);
        var spoken = new List<(int Seat, string Content)> { (1, ada.Opener!) };

        while (spoken.Count < transcript.Messages.Count)
        {
            var seat = spoken[^1].Seat == 1 ? 2 : 1;
            var view = spoken.Select(m => new ChatMessage(m.Seat == seat ? ChatRole.Assistant : ChatRole.User, m.Content)).ToList();
            var response = await (seat == 1 ? ada : bo).GetResponseAsync(view);
            spoken.Add((seat, response.Text));
        }

        Assert.Equal(transcript.Messages.Select(m => (m.Seat, m.Content)), spoken);
    }

    [Fact]
    public async Task GetResponseAsync_SeatTwoFirstCall_AnswersWithItsFirstMessage()
    {
        using var bo = new ReplayChatClient(HandMade(), 2);

        var response = await bo.GetResponseAsync([new ChatMessage(ChatRole.User, " ")]);

        Assert.Equal("Hello there.\n\nHow are you?", response.Text);
        Assert.Null(bo.Opener);
    }

    [Fact]
    public async Task GetResponseAsync_ResumedHistory_ContinuesWithTheNextRecordedMessage()
    {
        using var bo = new ReplayChatClient(HandMade(), 2);
        ChatMessage[] resumed =
        [
            new(ChatRole.User, " "),
            new(ChatRole.Assistant, "Hello there.\n\nHow are you?"),
            new(ChatRole.User, "Fine,  thanks!  And you?"),
        ];

        var response = await bo.GetResponseAsync(resumed);

        Assert.Equal("Great. [END]", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_OpenerNotShownInHistory_StillSkipsIt()
    {
        using var ada = new ReplayChatClient(HandMade(), 1);

        var response = await ada.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello there.\n\nHow are you?")]);

        Assert.Equal("Fine,  thanks!  And you?", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_OpenerNotTreatedAsOpener_ReplaysItAsTheFirstReply()
    {
        using var ada = new ReplayChatClient(HandMade(), 1) { OpenerIsFirstMessage = false };

        var response = await ada.GetResponseAsync([]);

        Assert.Equal(" ", response.Text);
        Assert.Null(ada.Opener);
        Assert.Equal(3, ada.RecordedReplies);
    }

    [Fact]
    public async Task GetResponseAsync_RecordingExhausted_SaysWhichSeatAndHowManyWereRecorded()
    {
        using var bo = new ReplayChatClient(HandMade(), 2);
        ChatMessage[] history = [new(ChatRole.Assistant, "a"), new(ChatRole.Assistant, "b"), new(ChatRole.User, "more?")];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bo.GetResponseAsync(history));

        Assert.Equal("The replay of seat 2 has no more recorded messages (2 recorded).", error.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RecordedReasoningAndUsage_AreStreamedWithTheText()
    {
        using var bo = new ReplayChatClient(HandMade(), 2);
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in bo.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, " ")]))
        {
            updates.Add(update);
        }

        var reasoning = updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().ToList();
        Assert.Equal("They said nothing; greet them.", string.Concat(reasoning.Select(r => r.Text)));
        Assert.IsType<TextReasoningContent>(Assert.Single(updates[0].Contents));
        Assert.Equal(["Hello ", "there.\n\n", "How ", "are ", "you?"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var usage = Assert.Single(updates[^1].Contents.OfType<UsageContent>()).Details;
        Assert.Equal((10L, 5L, 3L, 15L), (usage.InputTokenCount, usage.OutputTokenCount, usage.ReasoningTokenCount, usage.TotalTokenCount));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_RecordedFinishReason_IsKept()
    {
        using var bo = new ReplayChatClient(HandMade(), 2);

        var response = await bo.GetResponseAsync([new ChatMessage(ChatRole.Assistant, "x")]);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Null(response.Usage);
    }

    [Fact]
    public void Constructor_SeatNobodySatOn_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReplayChatClient(HandMade(), 3));

        Assert.Contains("no seat 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetService_Metadata_NamesTheReplayProvider()
    {
        using var bo = new ReplayChatClient(HandMade(), 2);

        var metadata = bo.GetService<ChatClientMetadata>();

        Assert.Equal("replay", metadata?.ProviderName);
        Assert.Equal("replay:Ada ↔ Bo#2", metadata?.DefaultModelId);
        Assert.Equal("Bo", bo.ParticipantName);
    }
}
