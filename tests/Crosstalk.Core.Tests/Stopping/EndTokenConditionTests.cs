using Crosstalk.Stopping;
using Crosstalk.Transcripts;
using static Crosstalk.Core.Tests.Stopping.StateBuilder;

namespace Crosstalk.Core.Tests.Stopping;

public class EndTokenConditionTests
{
    [Fact]
    public void Check_AnyOnSeed001_StopsAtMessage3BySeat1()
    {
        var stop = FirstStop(new EndTokenCondition(EndTokenPolicy.Any), Seed001.TranscriptMessages());

        Assert.NotNull(stop);
        Assert.Equal(StopReasons.EndToken, stop.Reason);
        Assert.Equal(3, stop.Message);
        Assert.Equal(1, stop.Seat);
        Assert.Contains("Kimi K2", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MutualOnSeed001_StopsAtMessage24BySeat2()
    {
        var stop = FirstStop(new EndTokenCondition(EndTokenPolicy.Mutual), Seed001.TranscriptMessages());

        Assert.NotNull(stop);
        Assert.Equal((StopReasons.EndToken, 24, 2), (stop.Reason, stop.Message!.Value, stop.Seat!.Value));
        Assert.Contains("23 to 24", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Off_NeverStops() =>
        Assert.Null(FirstStop(new EndTokenCondition(EndTokenPolicy.Off), Seed001.TranscriptMessages()));

    [Theory]
    [InlineData("You said:\n> goodbye [END]")]
    [InlineData("The format is:\n```\nbye [END]")]
    [InlineData("Saying [END] mid-text does not end anything.")]
    public void Check_AnyWithQuotedCodeOrMidTextToken_DoesNotStop(string text) =>
        Assert.Null(FirstStop(new EndTokenCondition(), Alternating(" ", text, "ok")));

    [Fact]
    public void Check_OpenerEndingWithToken_DoesNotStop()
    {
        Assert.Null(FirstStop(new EndTokenCondition(), Alternating("[END]", "hello")));
        Assert.Equal(1, FirstStop(new EndTokenCondition(), Alternating("[END]", "hello"), hasOpener: false)?.Message);
    }

    [Fact]
    public void Check_MutualNotConsecutive_DoesNotStop() =>
        Assert.Null(FirstStop(new EndTokenCondition(EndTokenPolicy.Mutual), Alternating(" ", "bye [END]", "wait, one more thing", "[END]")));

    [Fact]
    public void Check_MutualWithThreeSeats_NeedsAllThree()
    {
        var messages = new[] { Message(1, " "), Message(2, "bye [END]"), Message(3, "bye [END]"), Message(1, "one more"), Message(2, "[END]"), Message(3, "[END]"), Message(1, "[END]") };

        var stop = FirstStop(new EndTokenCondition(EndTokenPolicy.Mutual), messages, seats: 3);

        Assert.Equal(7, stop?.Message);
    }
}
