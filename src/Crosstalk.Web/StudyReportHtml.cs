using System.Globalization;
using Crosstalk.Studies;
using Crosstalk.Web.Html;

namespace Crosstalk.Web;

/// <summary>
/// A study's report as one self-contained HTML file, with the viewer's stylesheet: its warnings, then each table with its
/// chart (<see cref="StudyTablesHtml"/>). Nothing loads from elsewhere, nothing runs; every text from the study (model
/// names, labels) is encoded.
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
            StudyTablesHtml.Write(html, table);
        }

        writer.Write(Layout.SelfContained(report.Title, html));
    }

}
