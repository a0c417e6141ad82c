using Crosstalk.Engine.Runs;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Tests.Runs;

/// <summary>Several processes on one run: each conversation runs once, and one whose owner died is taken over.</summary>
public sealed class SharedRunTests
{
    [Fact]
    public async Task RunAsync_TwoEnginesOnOneRun_RunEveryConversationOnceAndBothFinish()
    {
        var database = EngineHarness.NewDatabase();
        var firstRequests = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        PacedChatClient Paced(string reference) => new(reference, TimeSpan.FromMilliseconds(20));
        using var modelsA = new TestModels((reference, _) => Paced(reference));
        using var modelsB = new TestModels((reference, _) => Paced(reference));
        await using var a = await EngineHarness.OpenAsync(modelsA, database);
        await using var b = await EngineHarness.OpenAsync(modelsB, database);
        var runId = await RunExecutorTests.CreateRunAsync(a, ExperimentFile.Parse("models: [x, y]\nrepetitions: 20\nstop: { max_messages: 6 }\nconcurrency: 4\n", "t.yaml"));

        var outcomes = await Task.WhenAll(a.Runs.RunAsync(runId), b.Runs.RunAsync(runId));

        Assert.All(outcomes, o => Assert.Equal((0, false, null), (o.Unfinished, o.Interrupted, o.StoreError)));
        Assert.Equal(40, outcomes.Sum(o => o.RanHere));
        Assert.All(outcomes, o => Assert.True(o.RanHere > 0, "both engines took part"));
        await foreach (var transcript in a.Store.ReadTranscriptsAsync(new ConversationQuery { RunId = runId }))
        {
            Assert.Equal(6, transcript.Messages.Count);
            Assert.Equal(StopReasons.MaxMessages, transcript.Stop!.Reason);
        }
    }

    [Fact]
    public async Task RunAsync_SomeConversationsHeldByAnOwnerThatDied_WaitsForTheirLeasesAndThenRunsThem()
    {
        await using var engine = await EngineHarness.OpenAsync(new TestModels((reference, _) => new PacedChatClient(reference, TimeSpan.Zero)));
        var runId = await RunExecutorTests.CreateRunAsync(engine, ExperimentFile.Parse("models: [x, y]\nrepetitions: 3\nstop: { max_messages: 4 }\n", "t.yaml"));
        var ids = await engine.Store.GetUnfinishedConversationsAsync(runId);

        // A silo on another machine took two conversations and was then cut off: its leases run out in 2 seconds.
        var lease = new ConversationLease("other-machine/77/1", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2));
        Assert.True(await engine.Store.TryAcquireLeaseAsync(ids[0], lease));
        Assert.True(await engine.Store.TryAcquireLeaseAsync(ids[1], lease));
        var waited = 0;
        var observer = new WaitCounter(() => Interlocked.Increment(ref waited));

        var outcome = await engine.Runs.RunAsync(runId, new RunOptions { WaitInterval = TimeSpan.FromMilliseconds(200) }, observer);

        Assert.Equal((0, 6), (outcome.Unfinished, outcome.RanHere));
        Assert.True(waited > 0, "the engine waited for the other owner's conversations");
    }

    [Fact]
    public async Task RunAsync_NotWaitingForOthers_EndsWithTheirConversationsLeft()
    {
        await using var engine = await EngineHarness.OpenAsync(new TestModels((reference, _) => new PacedChatClient(reference, TimeSpan.Zero)));
        var runId = await RunExecutorTests.CreateRunAsync(engine, ExperimentFile.Parse("models: [x, y]\nrepetitions: 2\nstop: { max_messages: 4 }\n", "t.yaml"));
        var ids = await engine.Store.GetUnfinishedConversationsAsync(runId);
        Assert.True(await engine.Store.TryAcquireLeaseAsync(ids[0], new ConversationLease("other-machine/77/1", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))));

        var outcome = await engine.Runs.RunAsync(runId, new RunOptions { WaitForOthers = false });

        Assert.Equal((1, 3), (outcome.Unfinished, outcome.RanHere));
    }

    private sealed class WaitCounter(Action waited) : Engine.Execution.RunObserver
    {
        public override void WaitingForOthers(int conversations) => waited();
    }
}
