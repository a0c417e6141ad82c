using System.Globalization;
using System.Text.Json.Serialization;
using Crosstalk.Statistics;

namespace Crosstalk.Studies;

/// <summary>A study's result, laid out as the published tables: what the terminal, the JSON and the HTML report show.</summary>
/// <param name="Study">The study's name (a preset's, or the file's <c>study:</c>).</param>
/// <param name="Title">What it measures, in a line.</param>
/// <param name="Run">The run it was computed from, if any.</param>
/// <param name="Conversations">How many conversations it counts.</param>
/// <param name="Warnings">What a reader must know before trusting the tables (a judge that failed its controls, say).</param>
/// <param name="Tables">The tables, in reading order.</param>
public sealed record StudyReport(string Study, string Title, string? Run, int Conversations, IReadOnlyList<string> Warnings, IReadOnlyList<StudyTable> Tables);

/// <summary>One table of a study.</summary>
/// <param name="Id">A stable id (<c>pairs</c>, <c>models</c>, <c>order</c>, …), for the JSON and the HTML anchors.</param>
/// <param name="Title">Its heading.</param>
/// <param name="Note">How to read it, if it needs saying: what the intervals are, what was counted.</param>
/// <param name="Columns">Column headings.</param>
/// <param name="Rows">The cells, row by row.</param>
/// <param name="Chart">The column drawn as a bar chart with its intervals in the HTML report, if any.</param>
public sealed record StudyTable(string Id, string Title, string? Note, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<StudyCell>> Rows, int? Chart = null)
{
    /// <summary>Whether column <paramref name="column"/> holds numbers (and "–" where there is none): shown aligned right.</summary>
    public bool IsNumeric(int column) =>
        column > 0 && Rows.Count > 0 && Rows.All(r => column < r.Count && (r[column].Value is not null || r[column].Text == "–"));
}

/// <summary>A cell: its text, and for a number its value and 95 % interval.</summary>
/// <param name="Text">As shown: "0.42 (0.30–0.55)", "12 of 40", a model's name.</param>
/// <param name="Value">The number, when the cell is one.</param>
/// <param name="Low">The interval's lower end, when it has one.</param>
/// <param name="High">The interval's upper end.</param>
public sealed record StudyCell(
    string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Value = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Low = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? High = null)
{
    /// <summary>A cell of text.</summary>
    public static StudyCell Of(string text) => new(text);

    /// <summary>A whole number.</summary>
    public static StudyCell Count(int value) => new(value.ToString("N0", CultureInfo.InvariantCulture), value);

    /// <summary>A share with its Wilson interval and its counts, as percentages: "42% (30–55%) 5/12"; no trials: "–".</summary>
    public static StudyCell Share(int successes, int trials)
    {
        var interval = Proportions.Wilson(successes, trials);
        return trials == 0
            ? new StudyCell("–")
            : new StudyCell(
                string.Create(CultureInfo.InvariantCulture, $"{Percent(interval.Estimate)}% ({Percent(interval.Low)}–{Percent(interval.High)}%) {successes}/{trials}"),
                Round(interval.Estimate),
                Round(interval.Low),
                Round(interval.High));
    }

    /// <summary>A mean or median with its bootstrap interval: "12.3 (9.1–15.0)"; no values: "–".</summary>
    public static StudyCell Estimate(Interval interval, string format = "0.0") =>
        double.IsNaN(interval.Estimate)
            ? new StudyCell("–")
            : new StudyCell(interval.ToString(format), Round(interval.Estimate), Round(interval.Low), Round(interval.High));

    /// <summary>A statistic without an interval (κ, α, ρ, a p-value); NaN: "–".</summary>
    public static StudyCell Number(double value, string format = "0.00") =>
        double.IsNaN(value) ? new StudyCell("–") : new StudyCell(value.ToString(format, CultureInfo.InvariantCulture), Round(value));

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture);

    private static double Round(double value) => Math.Round(value, 6);
}

/// <summary>Writes reports as JSON.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StudyReport))]
public sealed partial class StudyJsonContext : JsonSerializerContext;
