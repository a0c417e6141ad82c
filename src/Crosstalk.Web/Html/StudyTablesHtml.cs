using System.Globalization;
using Crosstalk.Studies;

namespace Crosstalk.Web.Html;

/// <summary>
/// A study table as HTML — its chart (bars from zero with their 95 % intervals as whiskers) above the table, its note
/// below: for study reports, the breakdowns of <c>analyze --html</c> and the viewer's corpus page.
/// </summary>
internal static class StudyTablesHtml
{
    public static void Write(HtmlBuilder html, StudyTable table)
    {
        html.Open("section", ("id", table.Id)).Element("h2", table.Title);
        if (table.Chart is { } column)
        {
            Chart(html, table, column);
        }

        // A column of numbers is aligned right, heading included.
        var numeric = Enumerable.Range(0, table.Columns.Count).Select(table.IsNumeric).ToList();
        html.Raw("<table class=\"list\"><thead><tr>");
        for (var i = 0; i < table.Columns.Count; i++)
        {
            html.Element("th", table.Columns[i], ("class", numeric[i] ? "num" : null));
        }

        html.Raw("</tr></thead><tbody>");
        foreach (var row in table.Rows)
        {
            html.Open("tr");
            for (var i = 0; i < row.Count; i++)
            {
                html.Element("td", row[i].Text, ("class", i < numeric.Count && numeric[i] ? "num" : null));
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
