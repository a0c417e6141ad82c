using Crosstalk.Stopping;
using Crosstalk.Transcripts;
using static Crosstalk.Core.Tests.Stopping.StateBuilder;

namespace Crosstalk.Core.Tests.Stopping;

public class LimitConditionTests
{
    [Fact]
    public void MaxMessages_CountsTheOpener()
    {
        var stop = FirstStop(new MaxMessagesCondition(97), Seed001.TranscriptMessages());

        Assert.Equal((StopReasons.MaxMessages, 97, 1), (stop!.Reason, stop.Message!.Value, stop.Seat!.Value));
    }

    [Fact]
    public void MaxMessages_NotReached_DoesNotStop() =>
        Assert.Null(FirstStop(new MaxMessagesCondition(98), Seed001.TranscriptMessages()));

    [Fact]
    public void TimeLimit_StopsOnceElapsedReachesLimit()
    {
        var condition = new TimeLimitCondition(TimeSpan.FromMinutes(1));
        var state = new ConversationState(2);
        state.Add(Message(1, " "));
        state.Elapsed = TimeSpan.FromSeconds(59);
        Assert.Null(condition.Check(state));

        state.Add(Message(2, "hello"));
        state.Elapsed = TimeSpan.FromSeconds(61);
        var stop = condition.Check(state);

        Assert.Equal((StopReasons.TimeLimit, 2, 2), (stop!.Reason, stop.Message!.Value, stop.Seat!.Value));
        Assert.Equal("The conversation ran for 61 s, over the limit of 60 s.", stop.Detail);
    }

    [Fact]
    public void Details_SayOneMessageAndMillisecondsAsSuch()
    {
        var state = new ConversationState(2);
        state.Add(Message(1, " "));
        state.Elapsed = TimeSpan.FromMilliseconds(3);

        Assert.Equal("The conversation reached the limit of 1 message.", new MaxMessagesCondition(1).Check(state)!.Detail);
        Assert.Equal("The conversation ran for 3 ms, over the limit of 1 ms.", new TimeLimitCondition(TimeSpan.FromMilliseconds(1)).Check(state)!.Detail);
    }

    [Fact]
    public void TokenBudget_SumsInputAndOutputTokens()
    {
        var messages = new[]
        {
            Message(1, " "),
            Message(2, "a", new TokenUsage(40, 40)),
            Message(1, "b", new TokenUsage(10, 9)),
            Message(2, "c", new TokenUsage(0, 1)),
        };

        var stop = FirstStop(new TokenBudgetCondition(100), messages);

        Assert.Equal((StopReasons.TokenBudget, 4), (stop!.Reason, stop.Message!.Value));
        Assert.Contains("100 tokens", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CostBudget_SumsKnownCosts()
    {
        var messages = new[] { Message(1, " "), Message(2, "a", cost: 0.30m), Message(1, "b"), Message(2, "c", cost: 0.25m) };

        Assert.Null(FirstStop(new CostBudgetCondition(0.56m), messages));
        Assert.Equal(4, FirstStop(new CostBudgetCondition(0.55m), messages)?.Message);
        Assert.Equal(StopReasons.CostBudget, FirstStop(new CostBudgetCondition(0.55m), messages)?.Reason);
    }

    [Fact]
    public void Constructors_RejectNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxMessagesCondition(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeLimitCondition(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBudgetCondition(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CostBudgetCondition(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RepetitionCondition(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GoodbyeLoopCondition(0));
    }
}
