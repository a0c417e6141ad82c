using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Crosstalk.Testing;
using Crosstalk.Transcripts;

namespace Crosstalk.Core.Tests.Conversations;

/// <summary>Replays seed 001 through the runner: each seat's client answers with what that model said.</summary>
public class SeedReplayTests
{
    private static (ConversationRunner Runner, ScriptedChatClient Kimi, ScriptedChatClient Grok) Replay(IStopCondition stop)
    {
        var messages = Seed001.Messages;
        var kimi = new ScriptedChatClient(messages.Skip(1).Where(m => m.Speaker == "Kimi K2").Select(m => ScriptedReply.FromText(m.Content)));
        var grok = new ScriptedChatClient(messages.Where(m => m.Speaker == "grok-4").Select(m => ScriptedReply.FromText(m.Content)));
        var spec = new ConversationSpec
        {
            Seats = [new SeatSpec { Name = "Kimi K2", Model = "moonshot:kimi-k2" }, new SeatSpec { Name = "grok-4", Model = "xai:grok-4" }],
            Opener = messages[0].Content,
            Stop = stop,
        };
        return (new ConversationRunner(spec, [kimi, grok]), kimi, grok);
    }

    [Fact]
    public async Task RunAsync_DefaultPolicy_StopsAfterMessage3WithEndToken()
    {
        var (runner, _, grok) = Replay(StopConditions.Default());

        var events = await RunnerHarness.RunAsync(runner);

        var stopped = Assert.IsType<ConversationStopped>(events[^1]);
        Assert.Equal(new StopInfo(StopReasons.EndToken, 1, 3, stopped.Stop.Detail), stopped.Stop);
        Assert.Equal(3, runner.Transcript.Messages.Count);
        Assert.Single(grok.Calls);
    }

    [Fact]
    public async Task RunAsync_MutualPolicy_StopsAfterMessage24()
    {
        var (runner, _, _) = Replay(StopConditions.Default(endPolicy: EndTokenPolicy.Mutual));

        await RunnerHarness.RunAsync(runner);

        Assert.Equal((StopReasons.EndToken, 2, 24), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Seat!.Value, runner.Transcript.Stop.Message!.Value));
        Assert.Equal(24, runner.Transcript.Messages.Count);
    }

    [Fact]
    public async Task RunAsync_EndTokenOffMax97_ReproducesAll97Messages()
    {
        var (runner, kimi, grok) = Replay(StopConditions.Default(97, EndTokenPolicy.Off));

        await RunnerHarness.RunAsync(runner);

        var transcript = runner.Transcript;
        Assert.Equal((StopReasons.MaxMessages, 97), (transcript.Stop!.Reason, transcript.Stop.Message!.Value));
        Assert.Equal(Seed001.Messages, transcript.Messages.Select(m => (m.Speaker, m.Content)).ToList());
        Assert.Equal("Kimi K2 ↔ grok-4", transcript.Title);

        // grok-4's last request (for message 96) held every message before it, from its own side.
        var lastView = grok.Calls[^1];
        Assert.Equal(95, lastView.Count);
        Assert.All(lastView, (m, i) => Assert.Equal(i % 2 == 0 ? "user" : "assistant", m.Role.Value));
        Assert.Equal(Seed001.Content(95), lastView[^1].Text);
        Assert.Equal(48, kimi.Calls.Count);
    }
}
