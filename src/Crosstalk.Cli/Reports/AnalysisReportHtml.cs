using System.Globalization;
using System.Net;
using Crosstalk.Analysis;

namespace Crosstalk.Cli.Reports;

/// <summary>
/// Writes a corpus analysis as one self-contained HTML page: summary, charts (PNG, embedded as base64) and the
/// model, pair and conversation tables. Nothing is loaded from elsewhere, so the file opens offline in any browser.
/// </summary>
/// <remarks>Every piece of text from the corpus (titles, model names, keywords) is HTML-encoded: model output is untrusted.</remarks>
internal static class AnalysisReportHtml
{
    /// <summary>Most conversation rows the page lists; the CSV has them all.</summary>
    public const int MaxConversationRows = 1000;

    /// <summary>Writes the page for <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The corpus tables.</param>
    /// <param name="writer">Where the HTML goes.</param>
    /// <param name="title">The page title; "Crosstalk analysis" by default.</param>
    public static void Write(CorpusAnalysis corpus, TextWriter writer, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(writer);
        title ??= "Crosstalk analysis";

        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        writer.Write($"<title>{E(title)}</title>\n<style>{Css}</style>\n</head>\n<body>\n<main>\n");
        writer.Write($"<h1>{E(title)}</h1>\n");
        Summary(corpus, writer);

        writer.Write("<h2>How conversations end</h2>\n");
        Chart(writer, CorpusCharts.Bars(corpus.StopReasons, "Stop reasons", "", "conversations"), "Conversations per stop reason");
        Chart(writer, CorpusCharts.Bars(corpus.Lengths, "Conversation lengths", "messages", "conversations"), "Conversations per length in messages");
        Chart(writer, CorpusCharts.Bars(corpus.FirstEndMessages, "Message of the first end signal", "message", "conversations"), "Conversations per message index of the first end token");

        if (corpus.Models.Count > 0)
        {
            var labels = corpus.Models.Select(m => m.Model).ToList();
            writer.Write("<h2>Models</h2>\n");
            Chart(writer, CorpusCharts.GroupedBars(
                labels,
                [
                    ("refusal rate", [.. corpus.Models.Select(m => m.RefusalRate)]),
                    ("goodbye-loop rate", [.. corpus.Models.Select(m => m.GoodbyeLoopRate)]),
                    ("first to end", [.. corpus.Models.Select(m => m.EndTokenFirstRate)]),
                ],
                "Refusals, goodbye loops and end signals per model",
                "share"), "Refusal rate, goodbye-loop rate and share of conversations the model ended first, per model");
            Chart(writer, CorpusCharts.GroupedBars(
                labels,
                [("messages after first end", [.. corpus.Models.Select(m => m.MeanMessagesAfterFirstEnd)])],
                "Mean messages after the first end signal",
                "messages"), "Mean messages spoken after the first end signal, per model");
            ModelTable(corpus, writer);
            SignatureTable(corpus, writer);
        }

        if (corpus.Pairs.Count > 0)
        {
            writer.Write("<h2>Pairs</h2>\n");
            PairTable(corpus, writer);
        }

        writer.Write("<h2>Conversations</h2>\n");
        ConversationTable(corpus, writer);
        writer.Write("</main>\n</body>\n</html>\n");
    }

    private static void Summary(CorpusAnalysis corpus, TextWriter writer)
    {
        var loops = corpus.Conversations == 0 ? 0 : (double)corpus.GoodbyeLoops / corpus.Conversations;
        writer.Write("<dl class=\"summary\">\n");
        Fact(writer, "Conversations", N(corpus.Conversations));
        Fact(writer, "Messages", N(corpus.Messages));
        Fact(writer, "Goodbye loops", $"{N(corpus.GoodbyeLoops)} ({P(loops)})");
        Fact(writer, "Messages after the first end signal", $"{N(corpus.MessagesAfterFirstEnd)} ({P(corpus.Messages == 0 ? 0 : (double)corpus.MessagesAfterFirstEnd / corpus.Messages)} of all)");
        writer.Write("</dl>\n");
    }

    private static void ModelTable(CorpusAnalysis corpus, TextWriter writer)
    {
        Table(
            writer,
            ["Model", "Conversations", "Messages", "Refusal rate", "With refusal", "Goodbye-loop rate", "Ended first", "Mean msgs after first end", "Tokens after first end", "Cost after first end", "Garbled rate"],
            corpus.Models.Select(m => new[]
            {
                m.Model, N(m.Conversations), N(m.Messages), P(m.RefusalRate), N(m.ConversationsWithRefusal), P(m.GoodbyeLoopRate), P(m.EndTokenFirstRate),
                m.MeanMessagesAfterFirstEnd.ToString("0.0", CultureInfo.InvariantCulture), N(m.TokensAfterFirstEnd), Money(m.CostAfterFirstEnd),
                m.GarbledRate.ToString("0.####", CultureInfo.InvariantCulture),
            }));
    }

    private static void SignatureTable(CorpusAnalysis corpus, TextWriter writer)
    {
        writer.Write("<h3>Keyword and emoji signatures</h3>\n");
        Table(
            writer,
            ["Model", "Emoji per message", "Top emoji", "Distinctive words"],
            corpus.Models.Select(m => new[]
            {
                m.Model, m.EmojiPerMessage.ToString("0.00", CultureInfo.InvariantCulture), string.Join(" ", m.TopEmoji), string.Join(", ", m.Keywords),
            }));
    }

    private static void PairTable(CorpusAnalysis corpus, TextWriter writer) => Table(
        writer,
        ["Pair", "Conversations", "Mean length", "Refusal rate", "Goodbye-loop rate", "End-token rate", "Mean msgs after first end", "Tokens after first end", "Cost after first end"],
        corpus.Pairs.Select(p => new[]
        {
            p.Pair, N(p.Conversations), p.MeanMessages.ToString("0.0", CultureInfo.InvariantCulture), P(p.RefusalRate), P(p.GoodbyeLoopRate), P(p.EndTokenRate),
            p.MeanMessagesAfterFirstEnd.ToString("0.0", CultureInfo.InvariantCulture), N(p.TokensAfterFirstEnd), Money(p.CostAfterFirstEnd),
        }));

    private static void ConversationTable(CorpusAnalysis corpus, TextWriter writer)
    {
        Table(
            writer,
            ["Conversation", "Source", "Messages", "Stop reason", "First end", "After first end", "Goodbye loop", "Refusals", "Near duplicates", "Garbled words"],
            corpus.Rows.Take(MaxConversationRows).Select(r => new[]
            {
                r.Title, r.Source is null ? "" : Path.GetFileName(r.Source), N(r.Messages), r.StopReason ?? "", r.FirstEnd?.ToString(CultureInfo.InvariantCulture) ?? "",
                N(r.MessagesAfterFirstEnd), r.GoodbyeLoopStart is { } s ? $"{s}+{r.GoodbyeLoopLength}" : "", N(r.Refusals), N(r.NearDuplicates), N(r.GarbledWords),
            }));
        if (corpus.Rows.Count > MaxConversationRows)
        {
            writer.Write($"<p class=\"note\">{E($"The first {MaxConversationRows:N0} of {corpus.Rows.Count:N0} conversations; the CSV export lists them all.")}</p>\n");
        }
    }

    private static void Table(TextWriter writer, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        writer.Write("<table>\n<thead><tr>");
        foreach (var cell in header)
        {
            writer.Write($"<th>{E(cell)}</th>");
        }

        writer.Write("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            writer.Write("<tr>");
            foreach (var cell in row)
            {
                writer.Write($"<td>{E(cell)}</td>");
            }

            writer.Write("</tr>\n");
        }

        writer.Write("</tbody>\n</table>\n");
    }

    private static void Chart(TextWriter writer, byte[] png, string description) =>
        writer.Write($"<figure><img width=\"{CorpusCharts.Width}\" height=\"{CorpusCharts.Height}\" alt=\"{E(description)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{E(description)}</figcaption></figure>\n");

    private static void Fact(TextWriter writer, string name, string value) => writer.Write($"<dt>{E(name)}</dt><dd>{E(value)}</dd>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Money(decimal? value) => value is { } v ? "$" + v.ToString("0.0000", CultureInfo.InvariantCulture) : "—";

    private const string Css =
        "body{font-family:system-ui,sans-serif;margin:0;background:#fafafa;color:#222}main{max-width:1100px;margin:0 auto;padding:1.5rem}"
        + "h1{margin-top:0}table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem;background:#fff}"
        + "th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f0f0f0}"
        + "tbody tr:nth-child(even){background:#f8f8f8}figure{margin:1rem 0}img{max-width:100%;height:auto;background:#fff;border:1px solid #ddd}"
        + "figcaption{font-size:.85rem;color:#555}dl.summary{display:grid;grid-template-columns:max-content auto;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}"
        + ".note{color:#555;font-size:.85rem}";
}
