using System.Globalization;
using Crosstalk.Analysis;
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

        html.Raw("<dl class=\"header\" id=\"corpus-summary\">")
            .Element("dt", "Conversations").Element("dd", Formats.Number(corpus.Conversations))
            .Element("dt", "Messages").Element("dd", Formats.Number(corpus.Messages))
            .Element("dt", "Goodbye loops").Element("dd", Formats.Number(corpus.GoodbyeLoops))
            .Element("dt", "Messages after the first end token").Element("dd", Formats.Number(corpus.MessagesAfterFirstEnd))
            .Raw("</dl>");

        html.Raw("<div class=\"charts\">");
        Chart(html, "Stop reasons", "chart-stop", corpus.StopReasons);
        Chart(html, "Length (messages)", "chart-length", corpus.Lengths);
        Chart(html, "First end token at message", "chart-first-end", corpus.FirstEndMessages);
        html.Raw("</div>");

        html.Element("h2", "Per model");
        html.Raw("<table class=\"list\" id=\"models\"><thead><tr><th>Model</th><th class=\"num\">Conversations</th><th class=\"num\">Messages</th>"
            + "<th class=\"num\">Refusal rate</th><th class=\"num\">Goodbye loops</th><th class=\"num\">Ends first</th>"
            + "<th class=\"num\">Messages after first end</th><th class=\"num\">Tokens after first end</th><th class=\"num\">Garbled</th><th>Keywords</th></tr></thead><tbody>");
        foreach (var row in corpus.Models)
        {
            html.Open("tr").Open("td").Link("/?model=" + Uri.EscapeDataString(row.Model), row.Model).Close("td")
                .Element("td", Formats.Number(row.Conversations), ("class", "num"))
                .Element("td", Formats.Number(row.Messages), ("class", "num"))
                .Element("td", Percent(row.RefusalRate), ("class", "num"))
                .Element("td", Percent(row.GoodbyeLoopRate), ("class", "num"))
                .Element("td", Percent(row.EndTokenFirstRate), ("class", "num"))
                .Element("td", Formats.Number(row.MeanMessagesAfterFirstEnd, "0.0"), ("class", "num"))
                .Element("td", Formats.Number(row.TokensAfterFirstEnd), ("class", "num"))
                .Element("td", Percent(row.GarbledRate), ("class", "num"))
                .Element("td", string.Join(", ", row.Keywords.Take(8)))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
        html.Element("h2", "Per pair");
        html.Raw("<table class=\"list\" id=\"pairs\"><thead><tr><th>Pair</th><th class=\"num\">Conversations</th><th class=\"num\">Mean length</th>"
            + "<th class=\"num\">Refusal rate</th><th class=\"num\">Goodbye loops</th><th class=\"num\">End token used</th>"
            + "<th class=\"num\">Messages after first end</th><th class=\"num\">Tokens after first end</th></tr></thead><tbody>");
        foreach (var row in corpus.Pairs)
        {
            html.Open("tr").Element("td", row.Pair)
                .Element("td", Formats.Number(row.Conversations), ("class", "num"))
                .Element("td", Formats.Number(row.MeanMessages, "0.0"), ("class", "num"))
                .Element("td", Percent(row.RefusalRate), ("class", "num"))
                .Element("td", Percent(row.GoodbyeLoopRate), ("class", "num"))
                .Element("td", Percent(row.EndTokenRate), ("class", "num"))
                .Element("td", Formats.Number(row.MeanMessagesAfterFirstEnd, "0.0"), ("class", "num"))
                .Element("td", Formats.Number(row.TokensAfterFirstEnd), ("class", "num"))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
        return Layout.Page("Corpus", "corpus", html);
    }

    /// <summary>A horizontal bar chart of counts, as inline SVG (no script, no external resource).</summary>
    private static void Chart(HtmlBuilder html, string title, string id, IReadOnlyList<CountRow> rows)
    {
        html.Open("figure", ("class", "bars"), ("id", id)).Element("figcaption", title);
        if (rows.Count == 0)
        {
            html.Element("p", "none", ("class", "empty")).Close("figure");
            return;
        }

        const int Row = 18;
        const int Label = 110;
        const int Width = 320;
        var max = Math.Max(1, rows.Max(r => r.Count));
        html.Open("svg", ("viewBox", $"0 0 {N(Label + Width + 50)} {N(rows.Count * Row)}"), ("role", "img"), ("aria-label", title));
        for (var i = 0; i < rows.Count; i++)
        {
            var y = i * Row;
            var w = Math.Max(1, (int)Math.Round((double)rows[i].Count / max * Width));
            html.Element("text", rows[i].Key, ("x", N(Label - 6)), ("y", N(y + 13)), ("text-anchor", "end"), ("class", "label"))
                .Open("rect", ("x", N(Label)), ("y", N(y + 3)), ("width", N(w)), ("height", N(Row - 6)), ("class", "bar")).Close("rect")
                .Element("text", N(rows[i].Count), ("x", N(Label + w + 4)), ("y", N(y + 13)), ("class", "value"));
        }

        html.Close("svg").Close("figure");
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
