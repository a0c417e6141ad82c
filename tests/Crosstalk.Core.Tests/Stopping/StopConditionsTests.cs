using Crosstalk.Stopping;
using Crosstalk.Transcripts;
using static Crosstalk.Core.Tests.Stopping.StateBuilder;

namespace Crosstalk.Core.Tests.Stopping;

public class StopConditionsTests
{
    [Fact]
    public void Default_Seed001_StopsWhereTheOriginalRuleSays()
    {
        var stop = FirstStop(StopConditions.Default(), Seed001.TranscriptMessages());

        Assert.Equal((StopReasons.EndToken, 3), (stop!.Reason, stop.Message!.Value));
    }

    [Fact]
    public void Any_FirstConditionToFireGivesTheReason()
    {
        var condition = new MaxMessagesCondition(10) | new GoodbyeLoopCondition() | new EndTokenCondition(EndTokenPolicy.Mutual);

        var stop = FirstStop(condition, Seed001.TranscriptMessages());

        Assert.Equal((StopReasons.MaxMessages, 10), (stop!.Reason, stop.Message!.Value));
    }

    [Fact]
    public void All_WaitsUntilEveryConditionHasFired()
    {
        // end-token:any fires at 3 (and again at 23); max-messages:10 from message 10 on.
        var condition = new EndTokenCondition() & new MaxMessagesCondition(10);

        var stop = FirstStop(condition, Seed001.TranscriptMessages());

        Assert.NotNull(stop);
        Assert.Equal(10, stop.Message);
        Assert.Equal(StopReasons.MaxMessages, stop.Reason);
        Assert.Contains("Kimi K2 ended message 3", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void All_StateIsPerConversation_SoOneInstanceServesMany()
    {
        var condition = new EndTokenCondition() & new MaxMessagesCondition(4);

        Assert.Equal(4, FirstStop(condition, Alternating(" ", "bye [END]", "x", "y"))?.Message);
        Assert.Null(FirstStop(condition, Alternating(" ", "a", "b", "c")));
    }

    [Theory]
    [InlineData("goodbye-loop,repetition", "goodbye-loop:4 | repetition:2:0.9")]
    [InlineData("end-token:mutual | max-messages:200", "end-token:mutual | max-messages:200")]
    [InlineData("end-token & max-messages=10", "end-token:any & max-messages:10")]
    [InlineData("time-limit:10m, token-budget:100000, cost-budget:$1.50", "time-limit:600s | token-budget:100000 | cost-budget:1.50")]
    [InlineData("repetition:1:0.8", "repetition:1:0.8")]
    [InlineData("max-messages:97", "max-messages:97")]
    public void Parse_ValidPolicies_BuildTheConditions(string text, string expected) =>
        Assert.Equal(expected, StopConditions.Parse(text).ToString());

    [Theory]
    [InlineData("goodby-loop", "Unknown stop condition \"goodby-loop\"")]
    [InlineData("max-messages:lots", "expected a whole number")]
    [InlineData("end-token:sometimes", "expected any, mutual or off")]
    [InlineData("max-messages:0", "out of range")]
    [InlineData("time-limit", "duration")]
    [InlineData(" , ", "names no condition")]
    public void Parse_BadPolicies_SayWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StopConditions.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ThenCheck_StopsTheSeedConversationAtTheGoodbyeLoop()
    {
        var condition = StopConditions.Default(endPolicy: EndTokenPolicy.Off) | StopConditions.Parse("goodbye-loop,repetition");

        var stop = FirstStop(condition, Seed001.TranscriptMessages());

        Assert.Equal((StopReasons.GoodbyeLoop, 27), (stop!.Reason, stop.Message!.Value));
    }
}
