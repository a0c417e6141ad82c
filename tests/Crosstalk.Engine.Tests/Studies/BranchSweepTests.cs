using Crosstalk.Engine.Plans;
using Crosstalk.Engine.Studies;
using Crosstalk.Studies;
using Crosstalk.Testing;

namespace Crosstalk.Engine.Tests.Studies;

public sealed class BranchSweepTests
{
    // Seed 001 replayed: Kimi K2 ends at message 3 with [END], and the conversation stops there. Every continuation
    // from message 2 replays the same words, so the ending recurs in all of them; ELIZA at seat 1 does not say [END].
    [Fact]
    public async Task Sweep_OfADeterministicConversation_RecursAlways_AndASwappedModelChangesIt()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var planned = ConversationPlanner.PlanConversation(
            new ConversationRequest
            {
                Seats = [new SeatRequest("replay:" + SharedFiles.Seed001 + "#1", null, null), new SeatRequest("replay:" + SharedFiles.Seed001 + "#2", null, null)],
            },
            engine.Models,
            engine.Time.GetLocalNow());
        var parent = await engine.CreateConversationAsync(planned);
        await engine.Conversations.ExecuteAsync(parent);

        var same = await BranchSweep.RunAsync(engine, parent, at: 2, repeat: 4, new Dictionary<int, string>());
        var swapped = await BranchSweep.RunAsync(engine, parent, at: 2, repeat: 4, new Dictionary<int, string> { [1] = "offline:eliza" });

        Assert.Equal("end-token, seat 1 ended first", SweepMeasures.Ending(same.Parent, at: 2));
        var recurs = SweepMeasures.Report(same.Parent, 2, same.Continuations, null).Tables[0].Rows[0];
        Assert.Equal("100% (51–100%) 4/4", recurs[2].Text);
        var escapes = SweepMeasures.Report(swapped.Parent, 2, swapped.Continuations, "seat 1 played by offline:eliza").Tables[0].Rows[0];
        Assert.Equal(0, escapes[2].Value);
        Assert.All(swapped.Continuations, c => Assert.Equal("offline:eliza", c.ModelOf(1)));
        // Each continuation is a stored fork of the parent, marked as the sweep's.
        Assert.All(same.Continuations, c => Assert.Equal($"{parent}@2", c.Transcript.Metadata[BranchSweep.SweepKey]));
    }

    [Fact]
    public async Task Sweep_SwapOfASeatTheConversationDoesNotHave_IsRefused()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var planned = ConversationPlanner.PlanConversation(
            new ConversationRequest { Seats = [new SeatRequest("offline:eliza", null, null), new SeatRequest("offline:markov", null, null)], StopPolicy = "max-messages:4" },
            engine.Models,
            engine.Time.GetLocalNow());
        var parent = await engine.CreateConversationAsync(planned);

        var ex = await Assert.ThrowsAsync<PlanException>(() => BranchSweep.RunAsync(engine, parent, 1, 2, new Dictionary<int, string> { [3] = "offline:eliza" }));

        Assert.Equal($"Conversation {parent} has seats 1 to 2; there is no seat 3 to swap.", ex.Message);
    }
}
