using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Tests.Execution;

public sealed class ConversationExecutorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Now;

    /// <summary><c>crosstalk run --seed 123 --end-policy off --max-messages 20</c>, as the CLI plans it.</summary>
    private static PlannedConversation Planned(IModelResolver models, int maxMessages = 20, string endPolicy = "off") =>
        ConversationPlanner.PlanConversation(
            new ConversationRequest
            {
                Seats = [new SeatRequest("offline:eliza"), new SeatRequest("offline:markov")],
                Seed = 123,
                StopPolicy = new StopSettings { MaxMessages = maxMessages, EndPolicy = endPolicy }.ToPolicy(),
            },
            models,
            Now);

    [Fact]
    public async Task ExecuteAsync_InterruptedThenExecutedAgain_EqualsAnUninterruptedConversation()
    {
        await using var reference = await EngineHarness.OpenAsync();
        var referenceId = await reference.CreateConversationAsync(Planned(reference.Models));
        var whole = await reference.Conversations.ExecuteAsync(referenceId);
        Assert.Equal((ExecutionOutcome.Stopped, StopReasons.MaxMessages, 20), (whole.Outcome, whole.Stop!.Reason, whole.Transcript!.Messages.Count));

        // Interrupted (Ctrl+C) once message 8 is complete.
        using var cancellation = new CancellationTokenSource();
        await using var engine = await EngineHarness.OpenAsync();
        var id = await engine.CreateConversationAsync(Planned(engine.Models));
        var first = await engine.Conversations.ExecuteAsync(id, new CancelAt(8, cancellation), cancellationToken: cancellation.Token);
        Assert.Equal(StopReasons.Interrupted, first.Stop!.Reason);
        Assert.Equal(8, (await engine.Store.GetTranscriptAsync(id))!.Messages.Count);

        var second = await engine.Conversations.ExecuteAsync(id);

        Assert.Equal(ExecutionOutcome.Stopped, second.Outcome);
        var resumed = (await engine.Store.GetTranscriptAsync(id))!;
        Assert.Equal(Contents(whole.Transcript), Contents(resumed));
        Assert.Equal(StopReasons.MaxMessages, resumed.Stop!.Reason);
    }

    [Fact]
    public async Task ExecuteAsync_OldPlanWhoseMarkdownCannotHoldItsSeats_IsRecorded_AndTheObserverIsWarned()
    {
        // Planned before the planner refused one name on two seats with the second opening (it refuses such a plan now):
        // its Markdown would read the opener back on seat 1. The conversation runs and is stored; the file is left as it
        // was, and the user hears why.
        var directory = Path.Combine(Path.GetTempPath(), "crosstalk-old-plan-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var engine = await EngineHarness.OpenAsync();
            var planned = Planned(engine.Models, maxMessages: 6);
            var markdown = Path.Combine(directory, "Echo_vs_Echo.md");
            File.WriteAllText(markdown, "as it was\n");
            var old = planned with
            {
                Plan = planned.Plan with
                {
                    Seats = [.. planned.Plan.Seats.Select(seat => seat with { Name = "Echo" })],
                    FirstSeat = 2,
                    MarkdownPath = markdown,
                },
            };
            var id = await engine.CreateConversationAsync(old);
            var observer = new Warnings();

            var result = await engine.Conversations.ExecuteAsync(id, observer);

            Assert.Equal((ExecutionOutcome.Stopped, 6), (result.Outcome, (await engine.Store.GetTranscriptAsync(id))!.Messages.Count));
            Assert.Equal("as it was\n", File.ReadAllText(markdown));
            var warning = Assert.Single(observer.Messages);
            Assert.StartsWith($"its Markdown file {markdown} is left as it was, as it cannot hold these seats (", warning, StringComparison.Ordinal);
            Assert.EndsWith("its messages are recorded in the store.", warning, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Fork_AtTenWithTheParentsPlan_ReproducesTheParentsMessagesElevenToTwenty()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var parentId = await engine.CreateConversationAsync(Planned(engine.Models));
        var parent = (await engine.Conversations.ExecuteAsync(parentId)).Transcript!;

        var fork = ConversationPlanner.PlanFork(parentId, parent, await engine.GetPlanAsync(parentId), new ForkRequest { At = 10 }, engine.Models, Now);
        var forkId = await engine.CreateConversationAsync(fork);
        var result = await engine.Conversations.ExecuteAsync(forkId);

        // Same seed, same policy (end-policy off, 20 messages): the same ten messages follow.
        Assert.Equal(123, fork.Plan.Seed);
        Assert.Equal("end-token:off | max-messages:20", fork.Plan.StopPolicy);
        Assert.Equal(Contents(parent), Contents(result.Transcript!));
        var stored = (await engine.Store.GetTranscriptAsync(forkId))!;
        Assert.Equal(parentId.ToString(System.Globalization.CultureInfo.InvariantCulture), stored.Metadata[StoreMetadataKeys.ParentId]);
    }

    [Fact]
    public async Task Fork_WithOverrides_ChangesWhatWasAskedAndKeepsTheRest()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var parentId = await engine.CreateConversationAsync(Planned(engine.Models, maxMessages: 12));
        var parent = (await engine.Conversations.ExecuteAsync(parentId)).Transcript!;
        var plan = await engine.GetPlanAsync(parentId);

        var fork = ConversationPlanner.PlanFork(
            parentId,
            parent,
            plan,
            new ForkRequest { At = 4, EndPolicy = "mutual", Guards = ["goodbye-loop"], MaxMessages = 30, Seed = 9, Models = new Dictionary<int, string> { [2] = "offline:eliza" } },
            engine.Models,
            Now);

        Assert.Equal("end-token:mutual | max-messages:30 | goodbye-loop", fork.Plan.StopPolicy);
        Assert.Equal(9, fork.Plan.Seed);
        Assert.Equal(["ELIZA", "ELIZA"], fork.Plan.Seats.Select(s => s.Name));
        Assert.Equal("offline:eliza", fork.Plan.Seats[1].Model);
        Assert.Equal(plan!.Seats[0].SystemPrompt, fork.Plan.Seats[0].SystemPrompt!.Replace("ELIZA", "ELIZA", StringComparison.Ordinal));
        Assert.DoesNotContain("Markov", fork.Plan.Seats[0].SystemPrompt, StringComparison.Ordinal);
        Assert.Equal(["ELIZA", "ELIZA", "ELIZA", "ELIZA"], fork.Header.Messages.Select(m => m.Speaker));
        Assert.Throws<PlanException>(() => ConversationPlanner.PlanFork(parentId, parent, plan, new ForkRequest { At = 4, MaxMessages = 4 }, engine.Models, Now));
        Assert.Throws<PlanException>(() => ConversationPlanner.PlanFork(parentId, parent, plan, new ForkRequest { At = 2, Opener = "Hi" }, engine.Models, Now));
    }

    [Fact]
    public async Task ExecuteAsync_HeldByAnOwnerThatStoppedRenewing_RunsOnceTheLeaseHasExpired()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var id = await engine.CreateConversationAsync(Planned(engine.Models, maxMessages: 6));

        // Another machine took the conversation, wrote two messages, and died: nobody renews its lease.
        Assert.True(await engine.Store.TryAcquireLeaseAsync(id, new ConversationLease("gone-machine/4242/1", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1.5))));
        await engine.Store.AppendMessageAsync(id, 1, new TranscriptMessage { Seat = 1, Speaker = "ELIZA", Content = " " });

        var early = await engine.Conversations.ExecuteAsync(id);
        Assert.Equal(ExecutionOutcome.HeldElsewhere, early.Outcome);
        Assert.Contains("gone-machine/4242/1", early.Detail, StringComparison.Ordinal);

        await Task.Delay(TimeSpan.FromSeconds(2));
        var late = await engine.Conversations.ExecuteAsync(id);

        Assert.Equal(ExecutionOutcome.Stopped, late.Outcome);
        Assert.Equal(6, (await engine.Store.GetTranscriptAsync(id))!.Messages.Count);
        Assert.Equal(ExecutionOutcome.AlreadyFinished, (await engine.Conversations.ExecuteAsync(id)).Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_ImportedConversation_SaysItHasNoPlanAndHowToGoOn()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var header = ConversationPlanner.Header(Planned(engine.Models).Plan);
        header.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "ELIZA", Content = "Hello." });
        var id = await engine.Store.CreateConversationAsync(null, header, specJson: null);

        var result = await engine.Conversations.ExecuteAsync(id);

        Assert.Equal(ExecutionOutcome.NoPlan, result.Outcome);
        Assert.Contains($"crosstalk fork {id} --at 1", result.Detail, StringComparison.Ordinal);
        Assert.Null((await engine.Store.GetLiveStatusAsync(id))!.Lease.Owner);
    }

    [Fact]
    public async Task ExecuteAsync_ModelThatCannotBeResolved_StopsWithAnErrorThatRetryFailedTakesUp()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var planned = Planned(engine.Models);
        var broken = planned with { Plan = planned.Plan with { Seats = [planned.Plan.Seats[0], planned.Plan.Seats[1] with { Model = "offline:nobody" }] } };
        var id = await engine.CreateConversationAsync(broken);

        var result = await engine.Conversations.ExecuteAsync(id);

        Assert.Equal(StopReasons.Error, result.Stop!.Reason);
        Assert.Contains("offline:nobody", result.Stop.Detail, StringComparison.Ordinal);
    }

    private static List<string> Contents(Transcript transcript) => [.. transcript.Messages.Select(m => $"{m.Seat}:{m.Content}")];

    private sealed class Warnings : RunObserver
    {
        public List<string> Messages { get; } = [];

        public override void Warning(long conversationId, string message) => Messages.Add(message);
    }

    private sealed class CancelAt(int index, CancellationTokenSource cancellation) : RunObserver
    {
        public override void ConversationEvent(long conversationId, Conversations.ConversationEvent conversationEvent)
        {
            if (conversationEvent is Conversations.MessageCompleted completed && completed.Index == index)
            {
                cancellation.Cancel();
            }
        }
    }
}
