using Crosstalk.Engine.Analysis;
using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>
/// The corpus tables over every conversation the filters select, per model and per pair: sums in SQL over the analysis
/// kept with each conversation (computed once, when it stopped or was imported), so the page costs the same on a store of
/// a hundred conversations or a hundred thousand.
/// </summary>
internal static class CorpusPage
{
    /// <summary>How long a request waits for the server's first pass over conversations without a kept analysis.</summary>
    public static readonly TimeSpan FirstPassWait = TimeSpan.FromSeconds(5);

    public static async Task<string> RenderAsync(WebContext web, HttpContext context)
    {
        var filters = ListFilters.Parse(context.Request.Query) with { Page = 1 };
        var cancellationToken = context.RequestAborted;
        var query = filters.ToQuery(web.Time.LocalTimeZone, limit: null);
        // Conversations stopped by the engine are analysed as they stop; older ones by the server's first pass, which the page
        // waits for (up to a few seconds) so that it never shows a store half counted without saying so.
        try
        {
            await web.AnalysesCaughtUp.Task.WaitAsync(FirstPassWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The count below says how many are not analysed yet.
        }

        var stored = await web.Engine.Analyses.AggregateAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false);
        var corpus = stored.Analysis;
        var total = stored.Matching;

        var html = new HtmlBuilder();
        html.Element("h1", "Corpus");
        html.Raw("<form class=\"filters\" method=\"get\" action=\"/corpus\" id=\"corpus-filters\">")
            .Raw("<label>Model or name ").Open("input", ("type", "text"), ("name", "model"), ("value", filters.Model ?? string.Empty)).Raw("</label>")
            .Raw("<label>Run ").Open("input", ("type", "text"), ("name", "run"), ("value", filters.Run ?? string.Empty)).Raw("</label>")
            .Raw("<label>Containing text ").Open("input", ("type", "search"), ("name", "q"), ("value", filters.Text ?? string.Empty)).Raw("</label>")
            .Raw("<button type=\"submit\">Analyse</button></form>");
        html.Open("p", ("class", "count"), ("id", "corpus-count"))
            .Text($"Analysed {Formats.Number(corpus.Conversations)} of {Formats.Number(total)} matching conversations")
            .Text(stored.NotAnalyzed > 0 ? $" ({Formats.Number(stored.NotAnalyzed)} still running or not analysed yet; they are analysed in the background)." : ".")
            .Close("p");
        html.Element(
            "p",
            $"Keywords and emoji come from each model's newest {Formats.Number(StoredAnalyses.VocabularySample)} conversations.",
            ("class", "note"));
        if (corpus.Conversations == 0)
        {
            html.Element("p", "Nothing to analyse yet.", ("class", "empty"));
            return Layout.Page("Corpus", "corpus", html);
        }

        // A model leads to its conversations, a stop reason to those that stopped so, within the same filters.
        var links = new CorpusTables.Links(
            model => "/" + (filters with { Model = model }).ToQueryString(),
            reason => "/" + (filters with { Stop = reason }).ToQueryString(),
            _ => null);
        CorpusTables.Summary(html, corpus);
        CorpusTables.Charts(html, corpus, links);
        CorpusTables.Models(html, corpus, links);
        CorpusTables.Pairs(html, corpus);
        await BreakdownsAsync(web, html, query, total, cancellationToken).ConfigureAwait(false);
        return Layout.Page("Corpus", "corpus", html);
    }

    /// <summary>Most conversations a run may have for the page to break it down by factor (it reads each of them).</summary>
    public const int MaxBreakdownConversations = 2000;

    // For one run: how its conversations ended under each value of each factor of its experiment — the conversations the
    // page's other filters select, as in the tables above.
    private static async Task BreakdownsAsync(WebContext web, HtmlBuilder html, Storage.ConversationQuery query, long count, CancellationToken cancellationToken)
    {
        if (query.RunId is not { } run || await web.Store.GetRunAsync(run, cancellationToken).ConfigureAwait(false) is null)
        {
            return;
        }

        if (count > MaxBreakdownConversations)
        {
            html.Element("p", $"Breakdowns by factor are shown for runs of up to {Formats.Number(MaxBreakdownConversations)} conversations; 'crosstalk analyze {run}' gives them for this one.", ("class", "note"));
            return;
        }

        var tables = Studies.FactorBreakdowns.Tables(await Engine.Studies.StudyData.LoadAsync(web.Store, query, cancellationToken).ConfigureAwait(false));
        if (tables.Count > 0)
        {
            html.Element("h2", "By factor of the experiment", ("id", "factors"));
        }

        foreach (var table in tables)
        {
            StudyTablesHtml.Write(html, table);
        }
    }
}
