using Crosstalk.Analysis;
using Crosstalk.Analysis.Judge;
using Crosstalk.Experiments;
using Crosstalk.Studies;
using Crosstalk.Transcripts;

namespace Crosstalk.Core.Tests.Studies;

public sealed class StudyFileTests
{
    [Theory]
    [InlineData("attractors", StudyMeasure.Attractors)]
    [InlineData("self-interaction", StudyMeasure.Words)]
    [InlineData("topics-and-endings", StudyMeasure.Judge)]
    public void Presets_ReadWithoutWarnings_AndPlanConversations(string name, StudyMeasure measure)
    {
        var study = StudyFile.Preset(name)!;

        Assert.Equal(name, study.Name);
        Assert.Equal(measure, study.Measure);
        Assert.Equal("preset:" + name, study.Source);
        Assert.Empty(study.Experiment.Warnings);
        Assert.NotEmpty(study.Experiment.Expand());
        Assert.False(string.IsNullOrWhiteSpace(study.Description));
    }

    [Fact]
    public void SelfInteraction_CountsTheSystemCardsWords_AndOffersTheEndToken()
    {
        var study = StudyFile.Preset("self-interaction")!;

        Assert.Contains("consciousness", study.Words);
        Assert.Contains("🌀", study.Words);
        Assert.Equal(PairMode.Self, study.Experiment.Pairs);
        Assert.Equal(61, study.Experiment.Stop.MaxMessages);
    }

    [Theory]
    [InlineData("study: s\nmeasure: vibes\nmodels: [offline:eliza, offline:markov]\n", "s.yaml:2:10: 'measure' must be attractors, words or judge (was 'vibes').")]
    [InlineData("study: s\nmeasure: words\nmodels: [offline:eliza, offline:markov]\n", "s.yaml:1:1: a study that measures words needs 'words:'")]
    [InlineData("measure: attractors\nmodels: [offline:eliza, offline:markov]\n", "s.yaml:1:1: has no 'study:' name.")]
    [InlineData("study: s\nmeasure: judge\nmodels: [offline:eliza]\n", "s.yaml:1:1: a judged study needs 'judge:")]
    [InlineData("study: s\nwords: [a, [b]]\nmodels: [offline:eliza]\n", "s.yaml:2:12: every item of 'words' must be a single, non-empty value.")]
    [InlineData("study: s\nrepetitions: lots\nmodels: [offline:eliza]\n", "s.yaml:2:14: 'repetitions' must be a whole number")]
    public void BadStudy_IsOneLineNamingTheFileAndLine(string text, string expected)
    {
        var ex = Assert.Throws<ExperimentFileException>(() => StudyFile.Parse(text, "s.yaml"));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StudyKeys_AreNotReportedAsUnknownExperimentKeys_ButTyposAre()
    {
        var study = StudyFile.Parse("study: s\ntitle: T\nmeasure: attractors\nmodles: [x]\nmodels: [offline:eliza, offline:markov]\n", "s.yaml");

        Assert.Equal("study s", study.Experiment.Name);
        Assert.Equal("s.yaml:4:1: unknown key 'modles' is ignored.", Assert.Single(study.Experiment.Warnings));
    }

    [Theory]
    [InlineData("Consciousness, consciousness! subconsciousness", "consciousness", 2)]
    [InlineData("🌀🌀 a🌀b", "🌀", 3)]
    [InlineData("dance-dance DANCE dancer", "dance", 3)]
    [InlineData("", "dance", 0)]
    public void WordCount_WholeWordsIgnoringCase_EmojiAnywhere(string text, string word, int expected) =>
        Assert.Equal(expected, WordMeasures.Count(text, word));

    [Fact]
    public void AttractorTables_CountWhoEndsFirst_WithWilsonIntervals()
    {
        // A opens three conversations with B: A ends first at message 3, B ends first at message 4, and no one ends.
        var conversations = new[]
        {
            Conversation("Hi", "ok", "Bye [END]"),
            Conversation("Hi", "ok", "ok", "Bye [END]"),
            Conversation("Hi", "ok", "ok", "ok"),
        };

        var tables = AttractorMeasures.Tables(conversations);

        var pairs = tables.Single(t => t.Id == "pairs");
        var row = Assert.Single(pairs.Rows);
        Assert.Equal("A → B", row[0].Text);
        Assert.Equal(2.0 / 3, row[2].Value!.Value, 6);
        Assert.Equal(Crosstalk.Statistics.Proportions.Wilson(2, 3).Low, row[2].Low!.Value, 6);
        Assert.Equal("33% (6–79%) 1/3", row[3].Text);
        Assert.Equal("33% (6–79%) 1/3", row[4].Text);
        // Messages 3 and 4 are both turn 2 (the opener and its reply are turn 1).
        Assert.Equal("2 (2–2)", row[5].Text);
    }

    [Fact]
    public void TableLayout_ShowsTheTablesNamed_InThatOrder_AndSaysWhichItDoesNotHave()
    {
        var study = StudyFile.Parse("study: s\ntables: [order, pairs, nope]\nmodels: [offline:eliza, offline:markov]\n", "s.yaml");
        var conversations = new[] { Conversation("Hi", "ok", "Bye [END]"), Conversation("Hi", "ok") };

        var report = StudyReports.Build(study, conversations);

        Assert.Equal(["order", "pairs"], report.Tables.Select(t => t.Id));
        Assert.StartsWith("'tables' names 'nope', which this study does not have; its tables are pairs, after, models", Assert.Single(report.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void HandLabels_ReadQuotedCells_AndNameABadLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"labels-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "conversation,topic,ending\n1,philosophy, \"clean, end\"\n2,,no ending\n");
        var labels = HandLabels.Load(path);
        Assert.Equal("clean, end", labels[1]["ending"]);
        Assert.False(labels[2].ContainsKey("topic"));

        File.WriteAllText(path, "conversation,topic\n1,philosophy\nx,art\n");
        var ex = Assert.Throws<ExperimentFileException>(() => HandLabels.Load(path));
        Assert.Equal($"{path}:3:1: 'x' is not a conversation id ('crosstalk list RUN' shows them).", ex.Message);
        File.Delete(path);
    }

    [Fact]
    public void RubricFile_LabelsAndScales_BecomeTheAnswerSchema_WithControls()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rubric-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "warm.json"), """{"title":"warm","participants":[{"seat":1,"name":"A"},{"seat":2,"name":"B"}],"messages":[{"seat":1,"speaker":"A","content":"Lovely to meet you!"}]}""");
        File.WriteAllText(Path.Combine(folder, "tone.yaml"), """
            id: tone
            scope: conversation
            prompt: |
              Conversation:
              {{transcript}}
              Label its tone.
            labels:
              tone: [warm, neutral, hostile]
            scale:
              warmth: [1, 5]
            controls:
              - transcript: warm.json
                expect: { tone: warm }
            """);

        var (rubric, controls) = RubricFile.Load(Path.Combine(folder, "tone.yaml"));

        var (labels, scales) = JudgeMeasures.Fields(rubric);
        Assert.Equal("tone", labels[0].Field);
        Assert.Equal(["warm", "neutral", "hostile"], labels[0].Labels);
        Assert.Equal(["warmth"], scales);
        Assert.Equal("warm", Assert.Single(controls).Expected["tone"]);

        File.WriteAllText(Path.Combine(folder, "bad.yaml"), "id: x\nprompt: no placeholder\nlabels:\n  a: [b, c]\n");
        var ex = Assert.Throws<ExperimentFileException>(() => RubricFile.Load(Path.Combine(folder, "bad.yaml")));
        Assert.Contains(":2:9: the prompt must contain {{transcript}}", ex.Message, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void JudgeMeasures_RubricOfSpansOrSeats_SaysItsReportHasNoTableOfThem_LabelRubricsDoNot()
    {
        // goodbye-loop answers a span (first, last) and constraint-break-first a seat and a message: neither a label set
        // nor a bounded score, so a study of them has nothing to count, which the report says instead of showing nothing.
        var panel = new PanelAnswers(["offline:judge"], [], [new ControlOutcome("offline:judge", 2, 2, [])]);

        var spans = JudgeMeasures.Tables([], JudgeRubrics.GoodbyeLoop, panel).Warnings;
        var seats = JudgeMeasures.Tables([], JudgeRubrics.ConstraintBreakFirst, panel).Warnings;
        var labels = JudgeMeasures.Tables([], JudgeRubrics.TopicsAndEndings, panel).Warnings;

        Assert.Contains(spans, w => w.StartsWith("Rubric goodbye-loop answers with no label from a set and no bounded score", StringComparison.Ordinal));
        Assert.Contains(seats, w => w.StartsWith("Rubric constraint-break-first answers with no label", StringComparison.Ordinal));
        Assert.DoesNotContain(labels, w => w.Contains("no table of its answers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("labels:\n  tone: [warm, warm, hostile]\n", ":6:9: labels.tone lists 'warm' twice.")]
    [InlineData("labels:\n  reason: [good, bad]\n", ":6:3: 'reason' is a field of every answer already")]
    [InlineData("labels:\n  tone: [warm, null, ~]\n", ":6:16: a label must be text; an unquoted null or ~")]
    [InlineData("labels:\n  tone: [warm, 'null']\n", ":6:16: a label cannot be 'null': a control's expected value uses it for 'no answer'")]
    [InlineData("labels:\n  tone: [warm, cold]\nscale:\n  tone: [1, 5]\n", ":8:3: 'tone' is both a label field and a scale")]
    public void RubricFile_AFieldThatWouldBreakAtTheFirstJudgeCall_IsRefusedWhereItIsWritten(string fields, string expected)
    {
        // Each loaded, and the study ran its conversations before the judge's first call failed (or counted a label twice).
        var folder = Directory.CreateTempSubdirectory("rubric-").FullName;
        File.WriteAllText(Path.Combine(folder, "r.yaml"), "id: r\nscope: conversation\nprompt: |\n  {{transcript}}\n" + fields);

        var ex = Assert.Throws<ExperimentFileException>(() => RubricFile.Load(Path.Combine(folder, "r.yaml")));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void RubricFile_MoreLabelsThanATableCanShow_IsRefused()
    {
        // 50,000 labels made a report of 15 MB and then overflowed the terminal table's measuring (exit 70).
        var folder = Directory.CreateTempSubdirectory("rubric-").FullName;
        File.WriteAllText(Path.Combine(folder, "r.yaml"), "id: r\nprompt: |\n  {{transcript}}\nlabels:\n  tone: [" + string.Join(", ", Enumerable.Range(0, 101).Select(i => "l" + i)) + "]\n");

        var ex = Assert.Throws<ExperimentFileException>(() => RubricFile.Load(Path.Combine(folder, "r.yaml")));

        Assert.Contains("labels.tone lists 101 labels; a field takes at most 100", ex.Message, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    private static StudyConversation Conversation(params string[] messages)
    {
        var transcript = new Transcript { Title = "A ↔ B", Participants = [new Participant(1, "A"), new Participant(2, "B")], Stop = new StopInfo(StopReasons.MaxMessages) };
        for (var i = 0; i < messages.Length; i++)
        {
            transcript.Messages.Add(new TranscriptMessage { Seat = (i % 2) + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = messages[i] });
        }

        return new StudyConversation(null, transcript, TranscriptAnalyzer.Analyze(transcript), new Dictionary<string, string>());
    }
}
