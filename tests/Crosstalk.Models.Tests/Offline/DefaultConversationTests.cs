using System.Diagnostics;
using Crosstalk.Models.Offline;
using Crosstalk.Testing;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Offline;

/// <summary>The out-of-the-box pairing (Markov opens blank, ELIZA answers) must read like a conversation.</summary>
public sealed class DefaultConversationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task MarkovAndEliza_FortyMessages_NeverEmptyAndNeverStuckRepeating(int seed)
    {
        IChatClient[] seats = [new MarkovChatClient(new MarkovOptions { Seed = seed }), new ElizaChatClient(seed)];
        var spoken = new List<(int Seat, string Text)> { (0, " ") };

        while (spoken.Count < 40 && !spoken[^1].Text.EndsWith("[END]", StringComparison.Ordinal))
        {
            var seat = 1 - spoken[^1].Seat;
            var view = spoken.Select(m => new ChatMessage(m.Seat == seat ? ChatRole.Assistant : ChatRole.User, m.Text)).ToList();
            spoken.Add((seat, (await seats[seat].GetResponseAsync(view)).Text));
        }

        Assert.All(spoken.Skip(1), m => Assert.False(string.IsNullOrWhiteSpace(m.Text)));
        var markovReplies = spoken.Where(m => m.Seat == 0).Skip(1).Select(m => m.Text).ToList();
        var openings = markovReplies.Select(t => string.Join(' ', t.Split(' ').Take(4))).ToList();
        Assert.True(
            openings.Distinct(StringComparer.Ordinal).Count() >= openings.Count * 2 / 3,
            "Markov keeps starting the same way:\n" + string.Join('\n', markovReplies));
    }

    [Fact]
    public async Task Eliza_EveryTurnOfARecordedModelConversation_AnswersQuickly()
    {
        var contents = TranscriptMessageSplitter.ReadMessages(SharedFiles.Seed001).ToList();
        using var eliza = new ElizaChatClient();
        var history = new List<ChatMessage>();
        var clock = Stopwatch.StartNew();

        foreach (var content in contents)
        {
            history.Add(new ChatMessage(ChatRole.User, content));
            var reply = (await eliza.GetResponseAsync(history)).Text;
            Assert.False(string.IsNullOrWhiteSpace(reply));
            history.Add(new ChatMessage(ChatRole.Assistant, reply));
        }

        Assert.True(contents.Count > 80, $"only {contents.Count} messages were read from the seed");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"ELIZA took {clock.Elapsed} for {contents.Count} turns");
    }
}
