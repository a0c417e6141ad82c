using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static Crosstalk.Core.Tests.Conversations.RunnerHarness;

namespace Crosstalk.Core.Tests.Conversations;

public class StreamingTests
{
    [Fact]
    public async Task RunAsync_Events_StartDeltasCompleteForEveryMessageThenStopped()
    {
        var b = new ScriptedChatClient("Hello there, friend.", "Bye now. [END]");
        var runner = new ConversationRunner(Spec(), [new ScriptedChatClient("How are you?"), b]);

        var events = await RunAsync(runner);

        Assert.Equal(
            ["MessageStarted", "MessageCompleted", "MessageStarted", "TextDelta", "TextDelta", "TextDelta", "MessageCompleted",
             "MessageStarted", "TextDelta", "TextDelta", "TextDelta", "MessageCompleted",
             "MessageStarted", "TextDelta", "TextDelta", "TextDelta", "MessageCompleted", "ConversationStopped"],
            events.Select(e => e.GetType().Name));
        Assert.Equal("Hello there, friend.", string.Concat(events.OfType<TextDelta>().Where(d => d.Index == 2).Select(d => d.Text)));
        Assert.Equal([1, 2, 3, 4], events.OfType<MessageCompleted>().Select(c => c.Index));
        Assert.Same(runner.Transcript, ((ConversationStopped)events[^1]).Transcript);
        Assert.Equal((StopReasons.EndToken, 2, 4), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Seat!.Value, runner.Transcript.Stop.Message!.Value));
    }

    [Fact]
    public async Task RunAsync_ReasoningParts_KeptInRecordButNeverShownToAnySeat()
    {
        var a = new ScriptedChatClient(new ScriptedReply { Text = "Fine.", Reasoning = "SECRET plan: be terse." });
        var b = new ScriptedChatClient(new ScriptedReply { Text = "Hi!", Reasoning = "SECRET: greet them." }, "Ok. [END]");
        var runner = new ConversationRunner(Spec(), [a, b]);

        var events = await RunAsync(runner);

        var first = runner.Transcript.Messages[1];
        Assert.Equal(("Hi!", "SECRET: greet them."), (first.Content, first.Reasoning));
        Assert.Equal("SECRET plan: be terse.", runner.Transcript.Messages[2].Reasoning);
        Assert.DoesNotContain(a.Calls.Concat(b.Calls).SelectMany(view => view), m => m.Text.Contains("SECRET", StringComparison.Ordinal));
        Assert.DoesNotContain(events.OfType<TextDelta>(), d => d.Text.Contains("SECRET", StringComparison.Ordinal));
        Assert.Equal(2, events.OfType<ReasoningDelta>().Count());
    }

    [Fact]
    public async Task RunAsync_ThinkTagsSplitAcrossDeltas_AreStrippedIntoReasoning()
    {
        var thinking = new ScriptedReply { Chunks = ["  <th", "ink>SECRET ", "musing</th", "ink>\n\nHello", " there."] };
        var a = new ScriptedChatClient("Hi. [END]");
        var runner = new ConversationRunner(Spec(), [a, new ScriptedChatClient(thinking)]);

        var events = await RunAsync(runner);

        var message = runner.Transcript.Messages[1];
        Assert.Equal(("Hello there.", "SECRET musing"), (message.Content, message.Reasoning));
        Assert.Equal("Hello there.", string.Concat(events.OfType<TextDelta>().Where(d => d.Index == 2).Select(d => d.Text)));
        Assert.Equal("user:Hello there.", $"{a.Calls[0][^1].Role.Value}:{a.Calls[0][^1].Text}");
    }

    [Fact]
    public async Task RunAsync_TextStartingWithAngleBracket_IsNotMistakenForThinking()
    {
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(2)), [Echo("A"), new ScriptedChatClient(new ScriptedReply { Chunks = ["<t", "able> is a tag"] })]);

        await RunAsync(runner);

        Assert.Equal(("<table> is a tag", null), (runner.Transcript.Messages[1].Content, runner.Transcript.Messages[1].Reasoning));
    }

    [Fact]
    public async Task RunAsync_UsageCostAttemptsAndFinishReason_AreRecorded()
    {
        var reply = new ScriptedReply
        {
            Text = "Answer.",
            Usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 30, ReasoningTokenCount = 10 },
            Extra = [new AttemptContent(new Attempt(1, "429 rate limited", 429)), new CostContent(0.002m)],
            FinishReason = "length",
        };
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(2)), [Echo("A"), new ScriptedChatClient(reply)]);

        var events = await RunAsync(runner);

        // The failed attempt is shown as it happens, and kept on the message.
        var failed = Assert.Single(events.OfType<AttemptFailed>());
        Assert.Equal((2, 2, "429 rate limited"), (failed.Index, failed.Seat, failed.Attempt.Error));
        var message = runner.Transcript.Messages[1];
        Assert.Equal(new TokenUsage(12, 30, 10), message.Usage);
        Assert.Equal(0.002m, message.Cost);
        Assert.Equal("429 rate limited", Assert.Single(message.Attempts).Error);
        Assert.Equal("length", message.FinishReason);
    }

    [Fact]
    public async Task RunAsync_FakeClock_MeasuresLatencyTimeToFirstTokenAndTimestamps()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 10, 26, 13, 8, 38, TimeSpan.Zero));
        var reply = new ScriptedReply
        {
            Text = "one two three",
            OnStart = () => clock.Advance(TimeSpan.FromMilliseconds(300)),
            BetweenChunks = () => clock.Advance(TimeSpan.FromMilliseconds(100)),
        };
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(2)), [Echo("A"), new ScriptedChatClient(reply)], clock);

        await RunAsync(runner);

        var message = runner.Transcript.Messages[1];
        Assert.Equal(TimeSpan.FromMilliseconds(300), message.TimeToFirstToken);
        Assert.Equal(TimeSpan.FromMilliseconds(500), message.Latency);
        Assert.Equal(clock.GetLocalNow(), message.Timestamp);
        Assert.Equal(new DateTimeOffset(2025, 10, 26, 13, 8, 38, TimeSpan.Zero), runner.Transcript.Started);
        Assert.Equal(clock.GetLocalNow(), runner.Transcript.Ended);
    }

    [Fact]
    public async Task RunAsync_TimeLimit_StopsAfterTheMessageThatCrossesIt()
    {
        var clock = new FakeTimeProvider();
        var slow = new ScriptedChatClient((_, call) => new ScriptedReply { Text = $"B{call + 1}", OnStart = () => clock.Advance(TimeSpan.FromSeconds(40)) });
        var runner = new ConversationRunner(Spec(StopConditions.Default() | new TimeLimitCondition(TimeSpan.FromMinutes(1))), [Echo("A"), slow], clock);

        await RunAsync(runner);

        Assert.Equal((StopReasons.TimeLimit, 4), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Message!.Value));
    }

    [Fact]
    public async Task RunAsync_CalledTwice_Throws()
    {
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(2)), [Echo("A"), Echo("B")]);
        await RunAsync(runner);

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(runner));
    }

    [Fact]
    public void Constructor_WrongNumberOfClients_SaysSo()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConversationRunner(Spec(), [Echo("A")]));

        Assert.Contains("2 seats but 1 chat clients", error.Message, StringComparison.Ordinal);
    }
}
