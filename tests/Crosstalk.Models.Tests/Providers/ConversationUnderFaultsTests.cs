using System.Text.Json;
using System.Text.RegularExpressions;
using Crosstalk.Models.Middleware;
using Crosstalk.Testing.FakeProviders;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

public sealed class ConversationUnderFaultsTests
{
    [Fact]
    public async Task Conversations_ThirtyPercentFaults_EveryConversationCompletesAndShowsItsAttempts()
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Faults = FaultPlan.Random(0.3, seed: 42);
        fakes.Anthropic.Faults = FaultPlan.Random(0.3, seed: 7);
        fakes.OpenAI.Reply = fakes.Anthropic.Reply = r => new FakeReply($"Reply {r.Number} from {r.Model}, and a few more words to stream.", Reasoning: "Hmm.");
        fakes.OpenAI.TokenLatency = fakes.Anthropic.TokenLatency = TimeSpan.FromMilliseconds(1);

        var conversations = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RunAsync(fakes, turns: 20)));

        var reply = new Regex(@"^Reply \d+ from (gpt-4o|claude-sonnet-4-5), and a few more words to stream\.$");
        foreach (var messages in conversations)
        {
            Assert.Equal(21, messages.Count);
            Assert.All(messages.Skip(1), m =>
            {
                Assert.Matches(reply, m.Content);
                Assert.Equal("Hmm.", m.Reasoning);
                Assert.NotNull(m.Usage);
                Assert.NotNull(m.Cost);
            });
        }

        var attempts = conversations.SelectMany(c => c).SelectMany(m => m.Attempts).ToList();
        var injected = fakes.OpenAI.Faults.Injected + fakes.Anthropic.Faults.Injected;
        Assert.True(injected >= 10, $"only {injected} faults were injected");
        Assert.True(attempts.Count >= injected, $"{attempts.Count} attempts recorded for {injected} injected faults");

        // The attempts are part of what a JSON transcript of these messages holds.
        var json = JsonSerializer.Serialize(conversations[0], new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var recorded = conversations[0].SelectMany(m => m.Attempts).ToList();
        Assert.All(recorded, a => Assert.Contains(JsonSerializer.Serialize(a.Error, new JsonSerializerOptions(JsonSerializerDefaults.Web)), json, StringComparison.Ordinal));
    }

    // Two seats: 4o opens with a blank message, then the seats alternate; each sees its own messages as assistant.
    private static async Task<List<TranscriptMessage>> RunAsync(FakeModels fakes, int turns)
    {
        var seats = new[]
        {
            (Client: fakes.Factory.CreateClient("fake-4o", out var a), Entry: a),
            (Client: fakes.Factory.CreateClient("fake-claude", out var b), Entry: b),
        };
        var messages = new List<TranscriptMessage> { new() { Seat = 1, Speaker = a.DisplayName, Content = " " } };
        for (var turn = 0; turn < turns; turn++)
        {
            var seat = (turn + 1) % 2;
            var history = messages.Select(m => new ChatMessage(m.Seat == seat + 1 ? ChatRole.Assistant : ChatRole.User, m.Content)).ToList();
            var reply = new ReplyAccumulator();
            await foreach (var update in seats[seat].Client.GetStreamingResponseAsync(history))
            {
                reply.Add(update);
            }

            messages.Add(reply.ToMessage(seat + 1, seats[seat].Entry.DisplayName));
        }

        foreach (var (client, _) in seats)
        {
            client.Dispose();
        }

        return messages;
    }
}
