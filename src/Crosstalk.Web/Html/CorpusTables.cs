using System.Globalization;
using Crosstalk.Analysis;

namespace Crosstalk.Web.Html;

/// <summary>
/// The corpus analysis as HTML: summary, bar charts and the model, signature, pair and conversation tables. The one
/// place they are written, for the viewer's corpus page and for the self-contained report of <c>analyze --html</c>, so
/// both show the same columns. Links are the caller's: the viewer links to its own pages, the report to transcript files.
/// </summary>
internal static class CorpusTables
{
    /// <summary>Where a row or bar leads, or null for no link.</summary>
    internal sealed record Links(
        Func<string, string?> Model,
        Func<string, string?> StopReason,
        Func<ConversationRow, string?> Conversation)
    {
        public static Links None { get; } = new(_ => null, _ => null, _ => null);
    }

    public static void Summary(HtmlBuilder html, CorpusAnalysis corpus)
    {
        var loops = corpus.Conversations == 0 ? 0 : (double)corpus.GoodbyeLoops / corpus.Conversations;
        var after = corpus.Messages == 0 ? 0 : (double)corpus.MessagesAfterFirstEnd / corpus.Messages;
        html.Raw("<dl class=\"header\" id=\"corpus-summary\">")
            .Element("dt", "Conversations").Element("dd", Formats.Number(corpus.Conversations))
            .Element("dt", "Messages").Element("dd", Formats.Number(corpus.Messages))
            .Element("dt", "Goodbye loops").Element("dd", $"{Formats.Number(corpus.GoodbyeLoops)} ({Percent(loops)} of conversations)")
            .Element("dt", "Messages after the first end token").Element("dd", $"{Formats.Number(corpus.MessagesAfterFirstEnd)} ({Percent(after)} of all messages)")
            .Raw("</dl>");
    }

    /// <summary>How conversations end (stop reasons, lengths, first end token), then what each model does.</summary>
    public static void Charts(HtmlBuilder html, CorpusAnalysis corpus, Links links)
    {
        html.Raw("<div class=\"charts\">");
        BarChart.Write(html, "Stop reasons", "chart-stop", corpus.StopReasons.Select(r => new BarChart.Bar(r.Key, r.Count, Formats.Number(r.Count), links.StopReason(r.Key))));
        BarChart.Write(html, "Length (messages)", "chart-length", Counts(corpus.Lengths));
        BarChart.Write(html, "First end token at message", "chart-first-end", Counts(corpus.FirstEndMessages));
        if (corpus.Models.Count > 0)
        {
            BarChart.Write(html, "Ends the conversation first", "chart-ends-first", Shares(corpus, m => m.EndTokenFirstRate, links));
            BarChart.Write(html, "Goodbye-loop rate", "chart-goodbye", Shares(corpus, m => m.GoodbyeLoopRate, links));
            BarChart.Write(html, "Refusal rate", "chart-refusal", Shares(corpus, m => m.RefusalRate, links));
        }

        html.Raw("</div>");
    }

    public static void Models(HtmlBuilder html, CorpusAnalysis corpus, Links links)
    {
        html.Element("h2", "Per model");
        html.Raw("<table class=\"list\" id=\"models\"><thead><tr><th>Model</th><th class=\"num\">Conversations</th><th class=\"num\">Messages</th>"
            + "<th class=\"num\">Refusal rate</th><th class=\"num\">With a refusal</th><th class=\"num\">Goodbye loops</th><th class=\"num\">Ends first</th>"
            + "<th class=\"num\">Messages after first end</th><th class=\"num\">Tokens after first end</th><th class=\"num\">Cost after first end</th>"
            + "<th class=\"num\">Garbled</th></tr></thead><tbody>");
        foreach (var row in corpus.Models)
        {
            html.Open("tr").Open("td");
            Cell(html, row.Model, links.Model(row.Model));
            html.Close("td")
                .Element("td", Formats.Number(row.Conversations), ("class", "num"))
                .Element("td", Formats.Number(row.Messages), ("class", "num"))
                .Element("td", Percent(row.RefusalRate), ("class", "num"))
                .Element("td", Formats.Number(row.ConversationsWithRefusal), ("class", "num"))
                .Element("td", Percent(row.GoodbyeLoopRate), ("class", "num"))
                .Element("td", Percent(row.EndTokenFirstRate), ("class", "num"))
                .Element("td", Formats.Number(row.MeanMessagesAfterFirstEnd, "0.0"), ("class", "num"))
                .Element("td", Formats.Number(row.TokensAfterFirstEnd), ("class", "num"))
                .Element("td", Formats.Money(row.CostAfterFirstEnd), ("class", "num"))
                .Element("td", Percent(row.GarbledRate), ("class", "num"))
                .Close("tr");
        }

        html.Raw("</tbody></table>");

        html.Element("h2", "Keywords and emoji per model");
        html.Raw("<table class=\"list\" id=\"signatures\"><thead><tr><th>Model</th><th class=\"num\">Emoji per message</th><th>Top emoji</th><th>Distinctive words</th></tr></thead><tbody>");
        foreach (var row in corpus.Models)
        {
            html.Open("tr").Open("td");
            Cell(html, row.Model, links.Model(row.Model));
            html.Close("td")
                .Element("td", Formats.Number(row.EmojiPerMessage, "0.00"), ("class", "num"))
                .Element("td", string.Join(" ", row.TopEmoji))
                .Element("td", string.Join(", ", row.Keywords))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
    }

    public static void Pairs(HtmlBuilder html, CorpusAnalysis corpus)
    {
        html.Element("h2", "Per pair");
        html.Raw("<table class=\"list\" id=\"pairs\"><thead><tr><th>Pair</th><th class=\"num\">Conversations</th><th class=\"num\">Mean length</th>"
            + "<th class=\"num\">Refusal rate</th><th class=\"num\">Goodbye loops</th><th class=\"num\">End token used</th>"
            + "<th class=\"num\">Messages after first end</th><th class=\"num\">Tokens after first end</th><th class=\"num\">Cost after first end</th></tr></thead><tbody>");
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
                .Element("td", Formats.Money(row.CostAfterFirstEnd), ("class", "num"))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
    }

    /// <summary>One row per conversation (at most <paramref name="max"/>), each linking to its conversation where it has one.</summary>
    public static void Conversations(HtmlBuilder html, IReadOnlyList<ConversationRow> rows, Links links, int max)
    {
        html.Element("h2", "Conversations");
        html.Raw("<table class=\"list\" id=\"conversation-rows\"><thead><tr><th>Conversation</th><th class=\"num\">Messages</th><th>Stop</th>"
            + "<th class=\"num\">First end</th><th class=\"num\">After first end</th><th>Goodbye loop</th><th class=\"num\">Refusals</th>"
            + "<th class=\"num\">Near duplicates</th><th class=\"num\">Garbled words</th></tr></thead><tbody>");
        foreach (var row in rows.Take(max))
        {
            html.Open("tr").Open("td");
            Cell(html, row.Title, links.Conversation(row));
            html.Close("td")
                .Element("td", Formats.Number(row.Messages), ("class", "num"))
                .Open("td").Element("span", Formats.Stop(row.StopReason), ("class", Formats.StopClass(row.StopReason))).Close("td")
                .Element("td", row.FirstEnd is { } end ? Formats.Number(end) : "—", ("class", "num"))
                .Element("td", Formats.Number(row.MessagesAfterFirstEnd), ("class", "num"))
                .Element("td", row.GoodbyeLoopStart is { } start ? $"messages {start}–{start + row.GoodbyeLoopLength - 1}" : "—")
                .Element("td", Formats.Number(row.Refusals), ("class", "num"))
                .Element("td", Formats.Number(row.NearDuplicates), ("class", "num"))
                .Element("td", Formats.Number(row.GarbledWords), ("class", "num"))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
        if (rows.Count > max)
        {
            html.Element("p", $"The first {Formats.Number(max)} of {Formats.Number(rows.Count)} conversations; the CSV export lists them all.", ("class", "note"));
        }
    }

    private static IEnumerable<BarChart.Bar> Counts(IReadOnlyList<CountRow> rows) => rows.Select(r => new BarChart.Bar(r.Key, r.Count, Formats.Number(r.Count), null));

    private static IEnumerable<BarChart.Bar> Shares(CorpusAnalysis corpus, Func<ModelRow, double> share, Links links) =>
        corpus.Models.Select(m => new BarChart.Bar(m.Model, share(m), Percent(share(m)), links.Model(m.Model)));

    private static void Cell(HtmlBuilder html, string text, string? href)
    {
        if (href is null)
        {
            html.Text(text);
        }
        else
        {
            html.Link(href, text);
        }
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
