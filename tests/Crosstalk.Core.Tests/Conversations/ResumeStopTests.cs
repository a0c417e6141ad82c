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
}
