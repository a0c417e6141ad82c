using Crosstalk.Analysis;
using Crosstalk.Web.Html;

namespace Crosstalk.Web;

/// <summary>
/// A corpus analysis as one self-contained HTML file (<c>crosstalk analyze --html</c>): the viewer's corpus page — the
/// same summary, charts and tables, written by the same code — plus a row per conversation linking to its transcript.
/// Nothing is loaded from elsewhere and nothing runs, so the file opens offline in any browser.
/// </summary>
/// <remarks>Every piece of text from the corpus (titles, model names, keywords) is HTML-encoded: model output is untrusted.</remarks>
public static class AnalysisReport
{
    /// <summary>Most conversation rows the page lists; the CSV has them all.</summary>
    public const int MaxConversationRows = 1000;

    /// <summary>Writes the page for <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The corpus tables.</param>
    /// <param name="writer">Where the HTML goes.</param>
    /// <param name="title">The page title; "Crosstalk analysis" by default.</param>
    /// <param name="conversationLink">Where a conversation's row links (its transcript file, relative to the report), or null for none.</param>
    /// <param name="breakdowns">For a run: its results by each factor of its experiment (<see cref="Studies.FactorBreakdowns"/>).</param>
    public static void Write(
        CorpusAnalysis corpus, TextWriter writer, string? title = null, Func<ConversationRow, string?>? conversationLink = null, IReadOnlyList<Studies.StudyTable>? breakdowns = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(writer);
        title ??= "Crosstalk analysis";
        var links = new CorpusTables.Links(_ => null, _ => null, conversationLink ?? (_ => null));
        var html = new HtmlBuilder();
        html.Element("h1", title);
        CorpusTables.Summary(html, corpus);
        html.Element("h2", "How conversations end");
        CorpusTables.Charts(html, corpus, links);
        if (corpus.Models.Count > 0)
        {
            CorpusTables.Models(html, corpus, links);
        }

        if (corpus.Pairs.Count > 0)
        {
            CorpusTables.Pairs(html, corpus);
        }

        foreach (var table in breakdowns ?? [])
        {
            StudyTablesHtml.Write(html, table);
        }

        CorpusTables.Conversations(html, corpus.Rows, links, MaxConversationRows);
        writer.Write(Layout.SelfContained(title, html));
    }
}
