using Crosstalk.Engine.Plans;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Tests.Plans;

public sealed class PlanJsonTests
{
    [Fact]
    public void ReadConversation_PlanStoredByTheBatchOfAnEarlierVersion_TranslatesItsStopSettingsIntoAPolicy()
    {
        // What 'crosstalk batch' stored with every conversation before the engine (BatchConversationSpec).
        const string Legacy = """
            {"key":"ab12","number":3,"repetition":2,"seed":77,
             "seats":[{"name":"ELIZA","model":"offline:eliza","systemPrompt":"Be brief."},{"name":"Markov","model":"offline:markov","temperature":0.7,"maxTokens":100}],
             "opener":" ","stop":{"maxMessages":24,"endToken":"[STOP]","endPolicy":"mutual","guards":["goodbye-loop"],"timeLimitSeconds":90},
             "markdownPath":"/out/a.md","jsonPath":"/out/a.json"}
            """;

        var plan = PlanJson.ReadConversation(Legacy, "Conversation 1");

        Assert.Equal("end-token:mutual | max-messages:24 | goodbye-loop | time-limit:90s", plan.StopPolicy);
        Assert.Equal("[STOP]", plan.EndToken);
        Assert.Equal((77, 3, 2, " ", 1), (plan.Seed, plan.Number, plan.Repetition, plan.Opener, plan.FirstSeat));
        Assert.Equal(0.7f, plan.Seats[1].Temperature);
        Assert.Null(plan.JsonFormat);
    }

    [Fact]
    public void ReadConversation_LegacyPlanWithoutAnOpener_HasNone()
    {
        var plan = PlanJson.ReadConversation("""{"seats":[{"name":"A","model":"offline:eliza"},{"name":"B","model":"offline:eliza"}],"stop":{"maxMessages":5}}""", "c");

        Assert.Null(plan.Opener);
    }

    [Fact]
    public void Write_ThenRead_GivesTheSamePlanWithANullOpenerKept()
    {
        var plan = new ConversationPlan
        {
            Seats = [new SeatPlan("A", "offline:eliza", "prompt", BlankMessage: "Hello."), new SeatPlan("B", "offline:markov")],
            Opener = null,
            FirstSeat = 2,
            Seed = 4,
            StopPolicy = "end-token:mutual & goodbye-loop:6 | max-messages:50",
            ForkedAt = 3,
        };

        var json = PlanJson.Write(plan);
        var read = PlanJson.ReadConversation(json, "c");

        Assert.Contains("\"opener\":null", json, StringComparison.Ordinal);
        Assert.Equal(PlanJson.Write(plan), PlanJson.Write(read));
        Assert.Equal(plan.Seats, read.Seats);
    }

    [Fact]
    public void ReadConversation_PlanOfANewerVersion_IsRefusedInOneSentence()
    {
        var error = Assert.Throws<PlanException>(() => PlanJson.ReadConversation("""{"version":2,"seats":[]}""", "Conversation 9"));

        Assert.Equal("Conversation 9 was planned by a newer Crosstalk (plan version 2); run it with that version.", error.Message);
    }

    [Fact]
    public void Header_PlanWithoutAnOpener_SaysTheFirstMessageIsSpoken_AndItsRefusalCounts()
    {
        var plan = new ConversationPlan { Seats = [new SeatPlan("A", "offline:eliza"), new SeatPlan("B", "offline:markov")], Opener = null };
        var withOpener = new ConversationPlan { Seats = plan.Seats, Opener = " " };

        var header = ConversationPlanner.Header(plan);
        header.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "I'm sorry, but I can't help with that." });
        header.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Understood." });

        Assert.Equal("spoken", header.Metadata[TranscriptMetadataKeys.FirstMessage]);
        Assert.Equal([1], Crosstalk.Analysis.TranscriptAnalyzer.Analyze(header).Refusals);
        Assert.False(ConversationPlanner.Header(withOpener).Metadata.ContainsKey(TranscriptMetadataKeys.FirstMessage));
    }
}
