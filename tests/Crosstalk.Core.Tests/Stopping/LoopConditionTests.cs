using Crosstalk.Stopping;
using Crosstalk.Transcripts;
using static Crosstalk.Core.Tests.Stopping.StateBuilder;

namespace Crosstalk.Core.Tests.Stopping;

public class LoopConditionTests
{
    [Fact]
    public void GoodbyeLoop_Seed001_StopsFourMessagesAfterTheEndTokenAt23()
    {
        var stop = FirstStop(new GoodbyeLoopCondition(), Seed001.TranscriptMessages());

        Assert.NotNull(stop);
        Assert.Equal((StopReasons.GoodbyeLoop, 27, 1), (stop.Reason, stop.Message!.Value, stop.Seat!.Value));
        Assert.Contains("message 23", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GoodbyeLoop_FarewellsWithoutEndToken_DoNotStop() =>
        Assert.Null(FirstStop(new GoodbyeLoopCondition(2), Alternating(" ", "Bye!", "Take care.", "You too!", "👋", "Cheers!")));

    [Fact]
    public void GoodbyeLoop_SubstantiveMessageBreaksTheLoop()
    {
        var messages = Alternating(" ", "Done here. [END]", "Take care.", "Actually, one more point about the proof: the lemma needs compactness, not just boundedness.", "Thanks.", "Bye.");

        Assert.Null(FirstStop(new GoodbyeLoopCondition(3), messages));
        Assert.Equal(5, FirstStop(new GoodbyeLoopCondition(3), Alternating(" ", "Done here. [END]", "Take care.", "Thanks.", "Bye."))?.Message);
    }

    [Fact]
    public void Repetition_Seed001_SecondRepeatIsMessage94()
    {
        var stop = FirstStop(new RepetitionCondition(), Seed001.TranscriptMessages());

        Assert.NotNull(stop);
        Assert.Equal((StopReasons.Repetition, 94, 2), (stop.Reason, stop.Message!.Value, stop.Seat!.Value));
        Assert.Contains("repeats message 80", stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Repetition_OnceOnSeed001_IsMessage11()
    {
        var stop = FirstStop(new RepetitionCondition(times: 1), Seed001.TranscriptMessages());

        Assert.Equal(11, stop?.Message);
        Assert.Contains("repeats message 9", stop!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Repetition_ShortRepeatedAcknowledgements_DoNotCount() =>
        Assert.Null(FirstStop(new RepetitionCondition(times: 1), Alternating(" ", "Take care.", "Take care.", "You too!", "You too!", "[END]", "[END]")));
}
