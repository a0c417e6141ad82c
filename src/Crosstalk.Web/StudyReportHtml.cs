using System.Globalization;
using Crosstalk.Studies;
using Crosstalk.Web.Html;

namespace Crosstalk.Web;

/// <summary>
/// A study's report as one self-contained HTML file, with the viewer's stylesheet: its warnings, then each table, and
/// above a table that has one, its chart — bars with their 95 % intervals drawn as whiskers. Nothing loads from elsewhere,
/// nothing runs; every text from the study (model names, labels) is encoded.
/// </summary>
public static class StudyReportHtml
{
    /// <summary>Writes <paramref name="report"/>.</summary>
    public static void Write(StudyReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var html = new HtmlBuilder();
        html.Element("h1", report.Title);
        html.Element("p", $"Study {report.Study}{(report.Run is null ? "" : ", run " + report.Run)} · {report.Conversations.ToString("N0", CultureInfo.InvariantCulture)} conversations", ("class", "count"));
        foreach (var warning in report.Warnings)
        {
            html.Element("p", "Warning: " + warning, ("class", "error"), ("role", "alert"));
        }

        foreach (var table in report.Tables)
        {
            html.Open("section", ("id", table.Id)).Element("h2", table.Title);
            if (table.Chart is { } column)
            {
                Chart(html, table, column);
            }

            html.Raw("<table class=\"list\"><thead><tr>");
            foreach (var heading in table.Columns)
            {
                html.Element("th", heading);
            }

            html.Raw("</tr></thead><tbody>");
            foreach (var row in table.Rows)
            {
                html.Open("tr");
                for (var i = 0; i < row.Count; i++)
                {
                    html.Element("td", row[i].Text, ("class", i > 0 && row[i].Value is not null ? "num" : null));
                }

                html.Close("tr");
            }

            html.Raw("</tbody></table>");
            if (table.Note is { } note)
            {
                html.Element("p", note, ("class", "note"));
            }

            html.Close("section");
        }

        writer.Write(Layout.SelfContained(report.Title, html));
    }

    // One bar per row for the chart column, from zero, labelled by the row's leading text cells; the interval as a whisker.
    private static void Chart(HtmlBuilder html, StudyTable table, int column)
    {
        var bars = table.Rows
            .Where(r => column < r.Count && r[column].Value is not null)
            .Select(r => (Label: string.Join(" · ", r.Take(column).TakeWhile(c => c.Value is null).Select(c => c.Text)), Cell: r[column]))
            .ToList();
        if (bars.Count == 0)
        {
            return;
        }

        var max = Math.Max(1e-9, bars.Max(b => b.Cell.High ?? b.Cell.Value!.Value));
        html.Open("figure", ("class", "bars"), ("id", "chart-" + table.Id)).Element("figcaption", table.Columns[column]);
        html.Raw("<ol class=\"bar-rows\">");
        foreach (var (label, cell) in bars)
        {
            html.Open("li").Element("span", label, ("class", "bar-label"))
                .Open("svg", ("class", "bar-track"), ("viewBox", "0 0 100 1"), ("preserveAspectRatio", "none"), ("aria-hidden", "true"))
                .Open("rect", ("class", "bar"), ("width", N(cell.Value!.Value / max * 100)), ("height", "1")).Close("rect");
            if (cell.Low is { } low && cell.High is { } high)
            {
                html.Open("rect", ("class", "whisker"), ("x", N(low / max * 100)), ("y", "0.4"), ("width", N(Math.Max(0.4, (high - low) / max * 100))), ("height", "0.2")).Close("rect");
            }

            html.Close("svg").Element("span", cell.Text, ("class", "bar-value")).Close("li");
        }

        html.Raw("</ol>").Close("figure");
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
