using Crosstalk.Conversations;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using static Crosstalk.Core.Tests.Conversations.RunnerHarness;

namespace Crosstalk.Core.Tests.Conversations;

public sealed class ResumeStopTests
{
    [Fact]
    public async Task RunAsync_ResumeAfterTheStoppingMessage_StopsWithoutAskingAnyone()
    {
        // The process died after the [END] message was stored but before the stop was recorded.
        var stored = new Transcript
        {
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hello." },
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Goodbye. [END]" },
            ],
        };
        var a = new ScriptedChatClient("never");
        var b = new ScriptedChatClient("never");
        var runner = new ConversationRunner(Spec(), [a, b]);

        var events = new List<ConversationEvent>();
        await foreach (var e in runner.RunAsync(stored))
        {
            events.Add(e);
        }

        var stopped = Assert.IsType<ConversationStopped>(Assert.Single(events));
        Assert.Equal(new StopInfo(StopReasons.EndToken, 1, 3, stopped.Stop.Detail), stopped.Stop);
        Assert.Empty(a.Calls);
        Assert.Empty(b.Calls);
        Assert.Equal(3, runner.Transcript.Messages.Count);
    }

    [Fact]
    public async Task RunAsync_ResumeBeforeAnyStop_ContinuesWithTheNextSeat()
    {
        var stored = new Transcript
        {
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hello." },
            ],
        };
        var runner = new ConversationRunner(Spec(), [new ScriptedChatClient("Bye. [END]"), new ScriptedChatClient("never")]);

        await foreach (var unused in runner.RunAsync(stored))
        {
        }

        Assert.Equal(["", "Hello.", "Bye. [END]"], runner.Transcript.Messages.Select(m => m.Content.Trim()));
        Assert.Equal((StopReasons.EndToken, 3), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Message!.Value));
    }

    [Fact]
    public async Task RunAsync_ForkWhosePrefixEnded_GoesOnAndStopsOnlyOnItsOwnMessages()
    {
        // A fork of a seed at message 4: the parent ended at message 3 with [END] (the default policy's stop), and the fork
        // was made to see what comes after.
        var prefix = new Transcript
        {
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hello." },
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Goodbye. [END]" },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Wait, one more thing." },
            ],
        };
        var a = new ScriptedChatClient("Yes?");
        var b = new ScriptedChatClient("Nothing. [END]");
        var spec = Spec();
        var runner = new ConversationRunner(
            new ConversationSpec { Seats = spec.Seats, Opener = spec.Opener, Stop = spec.Stop, ForkedAt = 4 }, [a, b]);

        await foreach (var unused in runner.RunAsync(prefix))
        {
        }

        Assert.Equal(["Yes?", "Nothing. [END]"], runner.Transcript.Messages.Skip(4).Select(m => m.Content));
        Assert.Equal((StopReasons.EndToken, 6), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Message!.Value));
    }
}
