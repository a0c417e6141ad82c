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

    // One bar per row for the chart column, labelled by the row's leading text cells, with its interval.
    private static void Chart(HtmlBuilder html, StudyTable table, int column) =>
        BarChart.Write(
            html,
            table.Columns[column],
            "chart-" + table.Id,
            table.Rows
                .Where(r => column < r.Count && r[column].Value is not null)
                .Select(r => new BarChart.Bar(string.Join(" · ", r.Take(column).TakeWhile(c => c.Value is null).Select(c => c.Text)), r[column].Value!.Value, r[column].Text, Low: r[column].Low, High: r[column].High)),
            emptySaysNone: false);
}
