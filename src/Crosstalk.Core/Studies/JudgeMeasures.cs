using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis.Judge;
using Crosstalk.Statistics;

namespace Crosstalk.Studies;

/// <summary>
/// A judged study's tables: each label's share per model (the panel's majority label), mean scores per model and pair
/// for scales, the panel's agreement (Cohen's κ for two judges, Fleiss' κ for more, Krippendorff's α for scales), the
/// judges' controls, and agreement with a person's hand labels.
/// </summary>
public static class JudgeMeasures
{
    /// <summary>The fields of a rubric's answer: label sets (enums) and scales (integers with bounds).</summary>
    public static (IReadOnlyList<(string Field, IReadOnlyList<string> Labels)> Labels, IReadOnlyList<string> Scales) Fields(JudgeRubric rubric)
    {
        ArgumentNullException.ThrowIfNull(rubric);
        using var schema = JsonDocument.Parse(rubric.AnswerSchema);
        var labels = new List<(string, IReadOnlyList<string>)>();
        var scales = new List<string>();
        foreach (var property in schema.RootElement.GetProperty("properties").EnumerateObject())
        {
            if (property.Value.TryGetProperty("enum", out var values))
            {
                labels.Add((property.Name, [.. values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]));
            }
            else if (property.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is "integer" or "number")
            {
                scales.Add(property.Name);
            }
        }

        return (labels, scales);
    }

    /// <summary>The tables, and the warnings a reader must see first.</summary>
    /// <param name="conversations">The study's conversations.</param>
    /// <param name="rubric">The rubric the panel answered.</param>
    /// <param name="panel">The panel's answers, in the order of <paramref name="conversations"/>.</param>
    /// <param name="handLabels">A person's labels by conversation id and field, if given.</param>
    public static (IReadOnlyList<StudyTable> Tables, IReadOnlyList<string> Warnings) Tables(
        IReadOnlyList<StudyConversation> conversations, JudgeRubric rubric, PanelAnswers panel, IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>? handLabels = null)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(panel);
        var (labelFields, scaleFields) = Fields(rubric);
        var tables = new List<StudyTable>();
        var warnings = new List<string>();
        if (labelFields.Count == 0 && scaleFields.Count == 0)
        {
            // A span or a seat (constraint-break-first, goodbye-loop) is neither a label set nor a bounded scale: nothing to count.
            warnings.Add($"Rubric {rubric.Id} answers with no label from a set and no bounded score, so this report has no table of its answers; 'crosstalk judge' prints each one.");
        }

        if (panel.Controls.All(c => c.Total == 0))
        {
            warnings.Add($"Rubric {rubric.Id} has no controls: the judges were not checked on conversations with known labels (add 'controls:' to the rubric file).");
        }

        foreach (var failed in panel.Controls.Where(c => c.Failed))
        {
            warnings.Add($"Judge {failed.Judge} failed the controls: {failed.Right} of {failed.Total} right ({string.Join("; ", failed.Misses)}). Its labels are not to be trusted.");
        }

        var models = conversations.SelectMany(c => c.Models).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var (field, labels) in labelFields)
        {
            var majority = conversations.Select((_, i) => Majority(panel.Answers[i], field)).ToList();
            var rows = new List<IReadOnlyList<StudyCell>>();
            foreach (var model in models)
            {
                var indexes = Enumerable.Range(0, conversations.Count).Where(i => conversations[i].Models.Contains(model, StringComparer.Ordinal) && majority[i] is not null).ToList();
                var row = new List<StudyCell> { StudyCell.Of(model), StudyCell.Count(indexes.Count) };
                row.AddRange(labels.Select(label => StudyCell.Share(indexes.Count(i => majority[i] == label), indexes.Count)));
                rows.Add(row);
            }

            tables.Add(new StudyTable(
                "label-" + field,
                $"{Title(field)} per model",
                $"Each conversation's {field} is the panel's majority label ({string.Join(", ", panel.Judges)}); shares of the model's judged conversations with Wilson 95% intervals.",
                ["Model", "Judged", .. labels],
                rows,
                Chart: 2));
        }

        foreach (var field in scaleFields)
        {
            var means = conversations.Select((_, i) => Mean(panel.Answers[i], field)).ToList();
            var rows = new List<IReadOnlyList<StudyCell>>();
            foreach (var group in models.Select(m => (Key: m, Indexes: Enumerable.Range(0, conversations.Count).Where(i => conversations[i].Models.Contains(m, StringComparer.Ordinal)).ToList()))
                .Concat(conversations.Select((c, i) => (Key: c.Pair, Index: i)).GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => (g.Key, Indexes: g.Select(p => p.Index).ToList()))))
            {
                var values = group.Indexes.Where(i => means[i] is not null).Select(i => means[i]!.Value).ToList();
                rows.Add([StudyCell.Of(group.Key), StudyCell.Count(values.Count), StudyCell.Estimate(Bootstrap.Mean(values), "0.00")]);
            }

            tables.Add(new StudyTable("scale-" + field, $"Mean {field} per model and pair", "The panel's mean score per conversation, averaged; bootstrap 95% intervals.", ["Model or pair", "Judged", "Mean " + field], rows, Chart: 2));
        }

        tables.Add(Agreement(conversations, panel, labelFields.Select(f => f.Field).ToList(), scaleFields));
        tables.Add(Controls(panel));
        if (handLabels is not null)
        {
            tables.Add(HandAgreement(conversations, panel, labelFields.Select(f => f.Field).ToList(), scaleFields, handLabels));
        }

        return (tables, warnings);
    }

    private static StudyTable Agreement(IReadOnlyList<StudyConversation> conversations, PanelAnswers panel, IReadOnlyList<string> labelFields, IReadOnlyList<string> scaleFields)
    {
        var rows = new List<IReadOnlyList<StudyCell>>();
        var judges = panel.Judges.Count;
        foreach (var field in labelFields)
        {
            var ratings = panel.Answers.Select(a => (IReadOnlyList<string?>)a.Select(x => StudyJudging.Field(x, field)).ToList()).ToList();
            var rated = ratings.Count(r => r.Count(x => x is not null) >= 2);
            if (judges < 2)
            {
                rows.Add([StudyCell.Of(field), StudyCell.Count(judges), StudyCell.Of("one judge: nothing to compare"), StudyCell.Of("–"), StudyCell.Count(0)]);
            }
            else if (judges == 2)
            {
                rows.Add([StudyCell.Of(field), StudyCell.Count(judges), StudyCell.Of("Cohen's κ"), StudyCell.Number(Statistics.Agreement.CohensKappa([.. ratings.Select(r => r[0])], [.. ratings.Select(r => r[1])])), StudyCell.Count(rated)]);
            }
            else
            {
                rows.Add([StudyCell.Of(field), StudyCell.Count(judges), StudyCell.Of("Fleiss' κ"), StudyCell.Number(Statistics.Agreement.FleissKappa(ratings)), StudyCell.Count(rated)]);
            }
        }

        foreach (var field in scaleFields)
        {
            var units = panel.Answers.Select(a => (IReadOnlyList<double?>)a.Select(x => Number(x, field)).ToList()).ToList();
            rows.Add(
            [
                StudyCell.Of(field),
                StudyCell.Count(judges),
                StudyCell.Of("Krippendorff's α (interval)"),
                judges < 2 ? StudyCell.Of("–") : StudyCell.Number(Statistics.Agreement.KrippendorffAlpha(units, Statistics.Agreement.Metric.Interval)),
                StudyCell.Count(units.Count(u => u.Count(v => v is not null) >= 2)),
            ]);
        }

        return new StudyTable(
            "agreement",
            "Agreement within the judge panel",
            "1 = the judges always agree, 0 = no more than chance. Below 0.6, read the labels with care.",
            ["Field", "Judges", "Measure", "Value", "Conversations rated twice or more"],
            rows);
    }

    private static StudyTable Controls(PanelAnswers panel) => new(
        "controls",
        "Judges on the controls",
        $"Conversations with known labels, judged before the study; a judge must get {ControlOutcome.PassMark:P0} of them right.",
        ["Judge", "Right", "Result", "Missed"],
        [.. panel.Controls.Select(c => (IReadOnlyList<StudyCell>)
        [
            StudyCell.Of(c.Judge),
            StudyCell.Of(string.Create(CultureInfo.InvariantCulture, $"{c.Right} of {c.Total}")),
            StudyCell.Of(c.Total == 0 ? "no controls" : c.Failed ? "FAILED" : "passed"),
            StudyCell.Of(string.Join("; ", c.Misses)),
        ])]);

    private static StudyTable HandAgreement(
        IReadOnlyList<StudyConversation> conversations, PanelAnswers panel, IReadOnlyList<string> labelFields, IReadOnlyList<string> scaleFields,
        IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>> hand)
    {
        var rows = new List<IReadOnlyList<StudyCell>>();
        var indexes = Enumerable.Range(0, conversations.Count).Where(i => conversations[i].Id is { } id && hand.ContainsKey(id)).ToList();
        foreach (var field in labelFields)
        {
            var pairs = indexes.Select(i => (Hand: hand[conversations[i].Id!.Value].GetValueOrDefault(field), Panel: Majority(panel.Answers[i], field))).Where(p => p.Hand is not null && p.Panel is not null).ToList();
            rows.Add([StudyCell.Of(field), StudyCell.Count(pairs.Count), StudyCell.Of("Cohen's κ"), StudyCell.Number(Statistics.Agreement.CohensKappa([.. pairs.Select(p => p.Hand)], [.. pairs.Select(p => p.Panel)]))]);
        }

        foreach (var field in scaleFields)
        {
            var pairs = indexes
                .Select(i => (Hand: double.TryParse(hand[conversations[i].Id!.Value].GetValueOrDefault(field), NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? h : (double?)null, Panel: Mean(panel.Answers[i], field)))
                .Where(p => p.Hand is not null && p.Panel is not null)
                .ToList();
            rows.Add([StudyCell.Of(field), StudyCell.Count(pairs.Count), StudyCell.Of("Spearman's ρ"), StudyCell.Number(Statistics.Agreement.Spearman([.. pairs.Select(p => p.Hand!.Value)], [.. pairs.Select(p => p.Panel!.Value)]))]);
        }

        return new StudyTable("hand-labels", "Agreement with your hand labels", "Your labels against the panel's (its majority label, or its mean score).", ["Field", "Conversations", "Measure", "Value"], rows);
    }

    /// <summary>The label most judges gave; a tie goes to the judge named first in the panel.</summary>
    internal static string? Majority(IReadOnlyList<JsonElement?> answers, string field)
    {
        var labels = answers.Select(a => StudyJudging.Field(a, field)).Where(l => l is not null).Select(l => l!).ToList();
        if (labels.Count == 0)
        {
            return null;
        }

        var counts = labels.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var best = counts.Values.Max();
        return labels.First(l => counts[l] == best);
    }

    private static double? Mean(IReadOnlyList<JsonElement?> answers, string field)
    {
        var values = answers.Select(a => Number(a, field)).Where(v => v is not null).Select(v => v!.Value).ToList();
        return values.Count == 0 ? null : values.Average();
    }

    private static double? Number(JsonElement? answer, string field) =>
        double.TryParse(StudyJudging.Field(answer, field), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Title(string field) => char.ToUpperInvariant(field[0]) + field[1..];
}
