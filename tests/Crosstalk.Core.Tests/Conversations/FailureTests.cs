using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using static Crosstalk.Core.Tests.Conversations.RunnerHarness;

namespace Crosstalk.Core.Tests.Conversations;

public class FailureTests
{
    [Fact]
    public async Task RunAsync_EmptyReplyTwice_RecordsItAndStopsWithEmptyReply()
    {
        var b = new ScriptedChatClient("  ", "");
        var runner = new ConversationRunner(Spec(), [Echo("A"), b]);

        await RunAsync(runner);

        var message = runner.Transcript.Messages[^1];
        Assert.Equal(2, runner.Transcript.Messages.Count);
        Assert.True(string.IsNullOrWhiteSpace(message.Content));
        Assert.Equal("The reply was empty.", Assert.Single(message.Attempts).Error);
        Assert.Equal((StopReasons.EmptyReply, 2, 2), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Seat!.Value, runner.Transcript.Stop.Message!.Value));
        Assert.Equal(2, b.Calls.Count);
    }

    [Fact]
    public async Task RunAsync_EmptyReplyThenText_KeepsTheRetriedReply()
    {
        var b = new ScriptedChatClient("", "Sorry, here I am.", "B3");
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(3)), [Echo("A"), b]);

        await RunAsync(runner);

        Assert.Equal("Sorry, here I am.", runner.Transcript.Messages[1].Content);
        Assert.Single(runner.Transcript.Messages[1].Attempts);
        Assert.Equal(StopReasons.MaxMessages, runner.Transcript.Stop!.Reason);
    }

    [Fact]
    public async Task RunAsync_OnlyReasoningTwiceWithContinuePolicy_RecordsEmptyAndGoesOn()
    {
        var b = new ScriptedChatClient(new ScriptedReply { Reasoning = "hmm" }, new ScriptedReply { Text = "<think>still thinking</think>" }, "B3");
        var spec = new ConversationSpec
        {
            Seats = [Seat("A"), Seat("B", blank: "(no reply)")],
            Stop = new MaxMessagesCondition(4),
            EmptyReplyPolicy = EmptyReplyPolicy.RetryThenContinue,
        };
        var a = Echo("A");
        var runner = new ConversationRunner(spec, [a, b]);

        await RunAsync(runner);

        var empty = runner.Transcript.Messages[1];
        Assert.Equal(("", "still thinking"), (empty.Content, empty.Reasoning));
        Assert.Equal(StopReasons.MaxMessages, runner.Transcript.Stop!.Reason);
        Assert.Equal("", a.Calls[0][^1].Text);
        Assert.Equal("(no reply)", b.Calls[2][^2].Text); // B's own empty message, sent to B as its replacement
    }

    [Fact]
    public async Task RunAsync_ClientThrows_StopsWithErrorKeepingCompletedMessages()
    {
        var b = new ScriptedChatClient("B1", new ScriptedReply { TextBeforeFailure = "Partial ", Throw = new HttpRequestException("Response status code 500 (Internal Server Error).\nbody...") });
        var runner = new ConversationRunner(Spec(), [Echo("A"), b]);

        var events = await RunAsync(runner);

        var stopped = Assert.IsType<ConversationStopped>(events[^1]);
        Assert.Equal(StopReasons.Error, stopped.Stop.Reason);
        Assert.Equal(2, stopped.Stop.Seat);
        Assert.Equal("B failed on message 4: Response status code 500 (Internal Server Error).", stopped.Stop.Detail);
        Assert.Equal([" ", "B1", "A1"], runner.Transcript.Messages.Select(m => m.Content));
        Assert.NotNull(runner.Transcript.Ended);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsInterruptedKeepingCompletedMessagesAndDroppingPartial()
    {
        using var cts = new CancellationTokenSource();
        var b = new ScriptedChatClient("B1", new ScriptedReply { TextBeforeFailure = "I was saying", WaitForCancellation = true });
        var runner = new ConversationRunner(Spec(), [Echo("A"), b]);
        var events = new List<ConversationEvent>();

        await foreach (var e in runner.RunAsync(cancellationToken: cts.Token))
        {
            events.Add(e);
            if (e is TextDelta { Index: 4 })
            {
                await cts.CancelAsync();
            }
        }

        Assert.Equal(StopReasons.Interrupted, runner.Transcript.Stop!.Reason);
        Assert.Equal([" ", "B1", "A1"], runner.Transcript.Messages.Select(m => m.Content));
        Assert.IsType<ConversationStopped>(events[^1]);
        Assert.DoesNotContain(events.OfType<MessageCompleted>(), c => c.Index == 4);
    }

    [Fact]
    public async Task RunAsync_CancelledBetweenMessages_StopsBeforeTheNextRequest()
    {
        using var cts = new CancellationTokenSource();
        var a = Echo("A");
        var runner = new ConversationRunner(Spec(), [a, Echo("B")]);

        await foreach (var e in runner.RunAsync(cancellationToken: cts.Token))
        {
            if (e is MessageCompleted { Index: 2 })
            {
                await cts.CancelAsync();
            }
        }

        Assert.Equal(2, runner.Transcript.Messages.Count);
        Assert.Empty(a.Calls);
        Assert.Equal(StopReasons.Interrupted, runner.Transcript.Stop!.Reason);
    }

    [Fact]
    public async Task RunAsync_ResumeFrom_ContinuesWithTheNextSeatAndRebuildsViews()
    {
        var previous = new Transcript
        {
            Started = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "old B" },
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = "old A" },
            ],
        };
        var b = Echo("B");
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(5)), [Echo("A"), b]);

        var events = new List<ConversationEvent>();
        await foreach (var e in runner.RunAsync(previous))
        {
            events.Add(e);
        }

        Assert.Equal([4, 5], events.OfType<MessageCompleted>().Select(c => c.Index));
        Assert.Equal([" ", "old B", "old A", "B1", "A1"], runner.Transcript.Messages.Select(m => m.Content));
        Assert.Equal(["system", "user", "assistant", "user"], b.Calls[0].Select(m => m.Role.Value));
        Assert.Equal(previous.Started, runner.Transcript.Started);
    }
}
