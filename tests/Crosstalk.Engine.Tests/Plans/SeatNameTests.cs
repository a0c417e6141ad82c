using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;
using Crosstalk.Testing;

namespace Crosstalk.Engine.Tests.Plans;

/// <summary>A seat's name goes into titles and headings: one that would not read back is refused where it enters, in one line.</summary>
public sealed class SeatNameTests
{
    [Theory]
    [InlineData("Kimi ↔ K2", "must not contain \" ↔ \"")]
    [InlineData("Kimi\nK2", "must be one line without control characters")]
    [InlineData("Kimi\u0007", "must be one line without control characters")]
    [InlineData("Kimi\u2028K2", "must be one line without control characters")]
    [InlineData("Kimi\u202EK2", "must not hold a bidirectional override")]
    [InlineData("Kimi ↔", "must not begin with \"↔ \" or end with \" ↔\"")]
    [InlineData("↔ K2", "must not begin with \"↔ \" or end with \" ↔\"")]
    public void CatalogDisplayName_ThatWouldNotReadBack_IsRefusedByThePlanner(string name, string problem)
    {
        // A catalog entry whose display name is the one given.
        using var models = new TestModels((reference, _) => reference == "offline:eliza" ? new ScriptedChatClient() : null, reference => reference == "offline:eliza" ? name : reference);
        var experiment = ExperimentFile.Parse("models: [offline:eliza, offline:markov]\n", "exp.yaml");

        var ex = Assert.Throws<PlanException>(() => ConversationPlanner.PlanRun(experiment, models, DateTimeOffset.Now, null));

        Assert.StartsWith($"The name '{name.ReplaceLineEndings(" ")}' of offline:eliza cannot be used: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormSeatName_ThatWouldNotReadBack_IsRefused()
    {
        using var models = new TestModels();

        var ex = Assert.Throws<PlanException>(() => ConversationPlanner.PlanConversation(
            new ConversationRequest { Seats = [new SeatRequest("offline:eliza", "A ↔ B"), new SeatRequest("offline:markov")] }, models, DateTimeOffset.Now));

        Assert.StartsWith("The name 'A ↔ B' of offline:eliza cannot be used", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneNameOnBothSeats_SecondSeatOpeningWithFiles_IsRefusedBeforeAnythingRuns()
    {
        // Its Markdown transcript would have read back with every seat swapped.
        using var models = new TestModels();
        var directory = Directory.CreateTempSubdirectory("crosstalk-plan-");
        try
        {
            var ex = Assert.Throws<PlanException>(() => ConversationPlanner.PlanConversation(
                new ConversationRequest { Seats = [new SeatRequest("offline:eliza"), new SeatRequest("offline:eliza")], FirstSeat = 2, OutputDirectory = directory.FullName },
                models,
                DateTimeOffset.Now));

            Assert.StartsWith("Seat 2 opens, and more than one seat is named ", ex.Message, StringComparison.Ordinal);
            Assert.Contains("Let seat 1 open", ex.Message, StringComparison.Ordinal);
            Assert.Empty(directory.GetFiles());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void OneNameOnBothSeats_SecondSeatOpeningWithoutFiles_IsPlanned()
    {
        // Without a Markdown file (the store and JSON keep seats), nothing would read back wrong.
        using var models = new TestModels();

        var planned = ConversationPlanner.PlanConversation(
            new ConversationRequest { Seats = [new SeatRequest("offline:eliza"), new SeatRequest("offline:eliza")], FirstSeat = 2 }, models, DateTimeOffset.Now);

        Assert.Equal(2, planned.Plan.FirstSeat);
    }

    [Fact]
    public void ExperimentFileName_ThatWouldNotReadBack_NamesTheLine()
    {
        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse("models:\n  - model: offline:eliza\n    name: \"A ↔ B\"\n  - offline:markov\n", "exp.yaml"));

        Assert.StartsWith("exp.yaml:3:11: 'name' A ↔ B: a name must not contain \" ↔ \"", ex.Message, StringComparison.Ordinal);
    }
}
