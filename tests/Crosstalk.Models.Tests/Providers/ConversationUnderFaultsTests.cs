using System.Text.Json;
using System.Text.RegularExpressions;
using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Crosstalk.Testing.FakeProviders;
using Crosstalk.Transcripts;

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

    [Fact]
    public async Task Conversations_ThirtyPercentFaultsAndTwoAttempts_EveryFailedRequestRecordedOnItsMessageOrTheStop()
    {
        var resilience = FakeModels.FastResilience();
        resilience.MaxAttempts = 2;
        await using var fakes = await FakeModels.StartAsync(resilience: resilience);
        FaultKind[] kinds = [FaultKind.RateLimited, FaultKind.ServerError, FaultKind.Unavailable, FaultKind.Overloaded, FaultKind.CutStream, FaultKind.MalformedChunk, FaultKind.StreamError];
        fakes.OpenAI.Faults = FaultPlan.Random(0.3, 11, kinds);
        fakes.Anthropic.Faults = FaultPlan.Random(0.3, 13, kinds);
        fakes.OpenAI.Reply = fakes.Anthropic.Reply = r => new FakeReply($"Reply {r.Number}, with a few words to stream.");

        var transcripts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RunTranscriptAsync(fakes, turns: 20)));

        // Every conversation ended: at its length, or on a message both attempts of which failed.
        Assert.All(transcripts, t => Assert.Contains(t.Stop?.Reason, new[] { StopReasons.MaxMessages, StopReasons.Error }));
        var failed = transcripts.Where(t => t.Stop!.Reason == StopReasons.Error).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, t =>
        {
            Assert.Equal([1, 2], t.Stop!.Attempts.Select(a => a.Number));
            Assert.Contains(t.Stop.Attempts[^1].Error.TrimEnd('.'), t.Stop.Detail, StringComparison.Ordinal);
        });

        // Each failed request the servers answered is an attempt on the record, none twice and none missing.
        var injected = fakes.OpenAI.Faults.Injected + fakes.Anthropic.Faults.Injected;
        var recorded = transcripts.Sum(t => t.Messages.Sum(m => m.Attempts.Count) + t.Stop!.Attempts.Count);
        Assert.Equal(injected, recorded);
    }

    // Two seats through the production runner: 4o opens with a blank message, then the seats alternate.
    private static async Task<List<TranscriptMessage>> RunAsync(FakeModels fakes, int turns)
    {
        var transcript = await RunTranscriptAsync(fakes, turns);
        Assert.Equal(StopReasons.MaxMessages, transcript.Stop?.Reason);
        return [.. transcript.Messages];
    }

    private static async Task<Transcript> RunTranscriptAsync(FakeModels fakes, int turns)
    {
        using var first = fakes.Factory.CreateClient("fake-4o", out var a);
        using var second = fakes.Factory.CreateClient("fake-claude", out var b);
        var spec = new ConversationSpec
        {
            Seats =
            [
                new SeatSpec { Name = a.DisplayName, Model = a.Name, BlankMessageReplacement = a.BlankMessage },
                new SeatSpec { Name = b.DisplayName, Model = b.Name, BlankMessageReplacement = b.BlankMessage },
            ],
            Opener = " ",
            Stop = new MaxMessagesCondition(turns + 1),
        };
        var runner = new ConversationRunner(spec, [first, second]);
        await foreach (var _ in runner.RunAsync())
        {
        }

        return runner.Transcript;
    }
}
