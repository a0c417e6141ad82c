using Crosstalk.Engine.Live;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;

namespace Crosstalk.Engine.Tests.Live;

public sealed class LiveFollowerTests
{
    [Fact]
    public async Task FollowAsync_ConversationRunByAnotherEngine_StreamsItsTextThenEveryStoredMessageThenTheStop()
    {
        var database = EngineHarness.NewDatabase();
        using var typing = new ModelResolver(new ModelResolverOptions { TokenDelay = TimeSpan.FromMilliseconds(25), WorkingDirectory = Path.GetTempPath() });
        await using var runner = await EngineHarness.OpenAsync(typing, database, live: TimeSpan.FromMilliseconds(50));
        await using var viewer = await TranscriptStore.OpenAsync(database);
        var planned = ConversationPlanner.PlanConversation(
            new ConversationRequest { Seats = [new SeatRequest("offline:eliza"), new SeatRequest("offline:markov")], StopPolicy = "max-messages:6", Seed = 5 },
            runner.Models,
            DateTimeOffset.Now);
        var id = await runner.CreateConversationAsync(planned);

        var follower = new LiveFollower(viewer) { Interval = TimeSpan.FromMilliseconds(40) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var following = Task.Run(async () =>
        {
            var updates = new List<LiveUpdate>();
            await foreach (var update in follower.FollowAsync(id, new LiveCursor(0), timeout.Token))
            {
                updates.Add(update);
            }

            return updates;
        });
        var result = await runner.Conversations.ExecuteAsync(id);
        var updates = await following;

        Assert.IsType<LiveStopped>(updates[^1]);
        Assert.Equal(Transcripts.StopReasons.MaxMessages, ((LiveStopped)updates[^1]).Stop.Reason);
        Assert.Equal([1, 2, 3, 4, 5, 6], updates.OfType<LiveMessageStored>().Select(u => u.Index));
        Assert.Equal(result.Transcript!.Messages.Select(m => m.Content), updates.OfType<LiveMessageStored>().Select(u => u.Message.Content));

        // Text arrived while messages were still being written, in several pieces, each a prefix of what was stored.
        var streamed = updates.OfType<LiveTextAppended>().GroupBy(u => u.Index).ToList();
        Assert.NotEmpty(streamed);
        Assert.Contains(streamed, g => g.Count() >= 2);
        foreach (var message in streamed)
        {
            var text = string.Concat(message.Select(u => u.Text));
            Assert.StartsWith(text, result.Transcript.Messages[message.Key - 1].Content, StringComparison.Ordinal);
        }

        // A viewer that reconnects with the last cursor it saw gets only what came after it.
        var cursor = updates.OfType<LiveMessageStored>().First(u => u.Index == 4).Cursor;
        Assert.True(LiveCursor.TryParse(cursor.ToString(), out var parsed));
        var rest = new List<LiveUpdate>();
        await foreach (var update in follower.FollowAsync(id, parsed, timeout.Token))
        {
            rest.Add(update);
        }

        Assert.Equal([5, 6], rest.OfType<LiveMessageStored>().Select(u => u.Index));
        Assert.IsType<LiveStopped>(rest[^1]);
    }

    [Fact]
    public async Task FollowAsync_NoSuchConversation_EndsAtOnce()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var follower = new LiveFollower(store);

        await foreach (var _ in follower.FollowAsync(99, new LiveCursor(0)))
        {
            Assert.Fail("A conversation that does not exist has nothing to follow.");
        }
    }
}
