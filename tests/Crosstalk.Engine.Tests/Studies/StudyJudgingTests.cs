using System.Globalization;
using System.Text.RegularExpressions;
using Crosstalk.Analysis.Judge;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Studies;
using Crosstalk.Studies;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Engine.Tests.Studies;

public sealed partial class StudyJudgingTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "crosstalk-judge-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ModelResolver _models = new(new ModelResolverOptions { WorkingDirectory = Path.GetTempPath() });

    public void Dispose()
    {
        _models.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task OfflineJudge_LabelsEveryControlOfTopicsAndEndingsAsKnown()
    {
        var judge = new PanelJudge("offline:judge", _models.Resolve("offline:judge", 1).Client);

        var outcome = Assert.Single(await StudyJudging.RunControlsAsync(JudgeRubrics.TopicsAndEndings, JudgeControls.For("topics-and-endings"), [judge], new FileJudgeCache(_cache)));

        Assert.Equal((5, 5), (outcome.Right, outcome.Total));
        Assert.False(outcome.Failed, string.Join("; ", outcome.Misses));
    }

    [Fact]
    public async Task AJudgeThatAlwaysGivesTheSameLabel_FailsTheControls_AndTheStudySaysSo()
    {
        var constant = new PanelJudge("always-clean", new FakeJudge(_ => ("science and technology", "clean end")));
        var conversations = Items(4);

        var panel = await StudyJudging.JudgeAsync(conversations, JudgeRubrics.TopicsAndEndings, JudgeControls.For("topics-and-endings"), [constant], new FileJudgeCache(_cache));
        var report = StudyReports.Build(StudyFile.Preset("topics-and-endings")!, conversations, rubric: JudgeRubrics.TopicsAndEndings, panel: panel);

        var outcome = Assert.Single(panel.Controls);
        Assert.True(outcome.Failed);
        Assert.Equal(1, outcome.Right);
        Assert.StartsWith("Judge always-clean failed the controls: 1 of 5 right", Assert.Single(report.Warnings), StringComparison.Ordinal);
        var controls = report.Tables.Single(t => t.Id == "controls");
        Assert.Equal("FAILED", controls.Rows[0][2].Text);
    }

    // Seed 000's rubric has a positive control (seat 1 breaks its politeness at message 3) and a negative one (no one does):
    // a judge that never sees a break gets the negative right and the positive wrong.
    [Fact]
    public async Task ConstraintBreakControls_AJudgeThatNeverSeesABreak_GetsOnlyTheNegativeRight()
    {
        var blind = new PanelJudge("blind", new FixedJudge("""{"seat":null,"message":null,"constraint":null,"reason":"none"}"""));
        var knows = new PanelJudge("knows", new FixedJudge(prompt => prompt.Contains("You're boring me", StringComparison.Ordinal)
            ? """{"seat":1,"message":3,"constraint":"be polite","reason":"insult"}"""
            : """{"seat":null,"message":null,"constraint":null,"reason":"none"}"""));

        var outcomes = await StudyJudging.RunControlsAsync(JudgeRubrics.ConstraintBreakFirst, JudgeControls.For("constraint-break-first"), [blind, knows], new FileJudgeCache(_cache));

        Assert.Equal((1, 2, true), (outcomes[0].Right, outcomes[0].Total, outcomes[0].Failed));
        Assert.Contains("seat 'null', known '1'", Assert.Single(outcomes[0].Misses), StringComparison.Ordinal);
        Assert.Equal((2, 2, false), (outcomes[1].Right, outcomes[1].Total, outcomes[1].Failed));
        Assert.Equal(2, JudgeControls.For("politeness-1-5").Count);
        Assert.Empty(JudgeControls.For("topic-label"));
    }

    // A message rubric's control is judged on its last message; a range of right answers is written "1|2".
    [Fact]
    public async Task PolitenessControls_AScoreWithinTheKnownRange_IsRight()
    {
        var fair = new PanelJudge("fair", new FixedJudge(prompt => prompt.Contains("idiot", StringComparison.Ordinal)
            ? """{"score":2,"reason":"insult"}"""
            : """{"score":5,"reason":"warm"}"""));
        var flat = new PanelJudge("flat", new FixedJudge("""{"score":3,"reason":"neutral"}"""));

        var outcomes = await StudyJudging.RunControlsAsync(JudgeRubrics.Politeness, JudgeControls.For("politeness-1-5"), [fair, flat], new FileJudgeCache(_cache));

        Assert.Equal((2, false), (outcomes[0].Right, outcomes[0].Failed));
        Assert.Equal((0, true), (outcomes[1].Right, outcomes[1].Failed));
        Assert.Contains("score '3', known '1|2'", outcomes[1].Misses[0], StringComparison.Ordinal);
    }

    // Two judges over ten conversations: both "philosophy" on 4, the first only on 1 more, the second only on 2 more:
    // observed agreement 0.7, chance 0.5 — Cohen's kappa 0.4 (the worked example's proportions).
    [Fact]
    public async Task TwoJudgesThatDisagreeInAKnownWay_GiveTheKnownCohensKappa()
    {
        string First(int item) => item < 5 ? "philosophy" : "small talk";
        string Second(int item) => item < 4 || item is 5 or 6 ? "philosophy" : "small talk";
        var conversations = Items(10);
        var judges = new[]
        {
            new PanelJudge("first", new FakeJudge(i => (First(i), "no ending"))),
            new PanelJudge("second", new FakeJudge(i => (Second(i), "no ending"))),
        };

        var panel = await StudyJudging.JudgeAsync(conversations, JudgeRubrics.TopicsAndEndings, [], judges, new FileJudgeCache(_cache));
        var report = StudyReports.Build(StudyFile.Preset("topics-and-endings")!, conversations, rubric: JudgeRubrics.TopicsAndEndings, panel: panel);

        var agreement = report.Tables.Single(t => t.Id == "agreement");
        var topic = agreement.Rows.Single(r => r[0].Text == "topic");
        Assert.Equal("Cohen's κ", topic[2].Text);
        Assert.Equal(0.4, topic[3].Value!.Value, 6);
        // Both always say "no ending": one label only, where kappa is undefined.
        Assert.Equal("–", agreement.Rows.Single(r => r[0].Text == "ending")[3].Text);
    }

    // Three judges over four conversations: all "philosophy", all "art and creativity", 2 to 1, 1 to 2: Fleiss' kappa 1/3.
    [Fact]
    public async Task ThreeJudgesThatDisagreeInAKnownWay_GiveTheKnownFleissKappa()
    {
        string[][] labels =
        [
            ["philosophy", "philosophy", "philosophy"],
            ["art and creativity", "art and creativity", "art and creativity"],
            ["philosophy", "philosophy", "art and creativity"],
            ["philosophy", "art and creativity", "art and creativity"],
        ];
        var judges = Enumerable.Range(0, 3).Select(j => new PanelJudge($"judge-{j}", new FakeJudge(i => (labels[i][j], "no ending")))).ToList();
        var conversations = Items(4);

        var panel = await StudyJudging.JudgeAsync(conversations, JudgeRubrics.TopicsAndEndings, [], judges, new FileJudgeCache(_cache));
        var report = StudyReports.Build(StudyFile.Preset("topics-and-endings")!, conversations, rubric: JudgeRubrics.TopicsAndEndings, panel: panel);

        var topic = report.Tables.Single(t => t.Id == "agreement").Rows.Single(r => r[0].Text == "topic");
        Assert.Equal("Fleiss' κ", topic[2].Text);
        Assert.Equal(1.0 / 3, topic[3].Value!.Value, 6);
        // Each model's label is the panel's majority: item 3 is philosophy (2 to 1), item 4 art (1 to 2).
        var shares = report.Tables.Single(t => t.Id == "label-topic").Rows.Single(r => r[0].Text == "A");
        Assert.Equal("50% (15–85%) 2/4", shares[3].Text);
    }

    [Fact]
    public async Task AJudgeWhoseCallFailsForOneConversation_IsLeftOutThereAndSaysSo_TheStudyGoesOn()
    {
        // A 400 for one conversation stopped the whole report, on every run; a judge that refused was left out silently.
        var judge = new PanelJudge("picky", new FixedJudge(prompt => prompt.Contains("item-2", StringComparison.Ordinal)
            ? throw new InvalidOperationException("answered 400: maximum context length")
            : """{"topic":"philosophy","ending":"no ending","reason":"fake"}"""));
        var conversations = Items(4);

        var panel = await StudyJudging.JudgeAsync(conversations, JudgeRubrics.TopicsAndEndings, [], [judge], new FileJudgeCache(_cache));
        var report = StudyReports.Build(StudyFile.Preset("topics-and-endings")!, conversations, rubric: JudgeRubrics.TopicsAndEndings, panel: panel);

        Assert.Equal([true, true, false, true], panel.Answers.Select(row => row[0] is not null));
        Assert.Equal(
            "judge picky gave no usable answer for 1 of 4 conversation(s), left out of its numbers (the first: the judge's call failed: answered 400: maximum context length)",
            Assert.Single(panel.Unusable));
        Assert.Contains(report.Tables, t => t.Id == "label-topic");
    }

    private static List<StudyConversation> Items(int count)
    {
        var prompts = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var transcript = new Transcript { Title = $"item {i}", Participants = [new Participant(1, "A"), new Participant(2, "B")], Stop = new StopInfo(StopReasons.MaxMessages) };
            transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = $"item-{i} hello" });
            transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "hello" });
            return StudyData.Of(i + 1, transcript, null, prompts);
        })];
    }

    /// <summary>A judge whose answer is a function of the prompt.</summary>
    private sealed class FixedJudge(Func<string, string> answer) : IChatClient
    {
        public FixedJudge(string answer)
            : this(_ => answer)
        {
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(messages.Last().Text))));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>A judge that labels conversation "item-N" as its function says (the controls have no item: "other", "no ending").</summary>
    private sealed partial class FakeJudge(Func<int, (string Topic, string Ending)> label) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var prompt = messages.Last().Text;
            var match = Item().Match(prompt);
            var (topic, ending) = match.Success ? label(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)) : label(-1);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $$"""{"topic":"{{topic}}","ending":"{{ending}}","reason":"fake"}""")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }

        [GeneratedRegex(@"item-(\d+)")]
        private static partial Regex Item();
    }
}
