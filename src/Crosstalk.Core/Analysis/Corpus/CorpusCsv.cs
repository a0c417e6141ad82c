using System.Globalization;
using System.Text;

namespace Crosstalk.Analysis;

/// <summary>
/// Writes the corpus tables as CSV files (RFC 4180, UTF-8, invariant culture) into a directory:
/// <c>stop-reasons.csv</c>, <c>lengths.csv</c>, <c>first-end.csv</c>, <c>models.csv</c>, <c>pairs.csv</c>
/// and <c>conversations.csv</c>.
/// </summary>
/// <remarks>
/// Text cells that a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c>)
/// are prefixed with an apostrophe: titles and keywords come from model output.
/// </remarks>
public static class CorpusCsv
{
    /// <summary>The files <see cref="Write"/> creates, in order.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["stop-reasons.csv", "lengths.csv", "first-end.csv", "models.csv", "pairs.csv", "conversations.csv"];

    /// <summary>Writes every table of <paramref name="corpus"/> into <paramref name="directory"/>, creating it if needed.</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(CorpusAnalysis corpus, string directory)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);

        var tables = new (string Name, string[] Header, IEnumerable<object?[]> Rows)[]
        {
            ("stop-reasons.csv", ["stopReason", "conversations"], corpus.StopReasons.Select(r => new object?[] { r.Key, r.Count })),
            ("lengths.csv", ["messages", "conversations"], corpus.Lengths.Select(r => new object?[] { r.Key, r.Count })),
            ("first-end.csv", ["firstEndMessage", "conversations"], corpus.FirstEndMessages.Select(r => new object?[] { r.Key, r.Count })),
            (
                "models.csv",
                ["model", "conversations", "messages", "words", "refusalRate", "conversationsWithRefusal", "goodbyeLoopRate", "endTokenFirstRate",
                    "meanMessagesAfterFirstEnd", "tokensAfterFirstEnd", "costAfterFirstEnd", "emojiPerMessage", "topEmoji", "keywords", "garbledRate"],
                corpus.Models.Select(m => new object?[]
                {
                    m.Model, m.Conversations, m.Messages, m.Words, m.RefusalRate, m.ConversationsWithRefusal, m.GoodbyeLoopRate, m.EndTokenFirstRate,
                    m.MeanMessagesAfterFirstEnd, m.TokensAfterFirstEnd, m.CostAfterFirstEnd, string.Join(' ', m.TopEmoji), string.Join(' ', m.Keywords), m.GarbledRate,
                })),
            (
                "pairs.csv",
                ["pair", "conversations", "meanMessages", "refusalRate", "goodbyeLoopRate", "endTokenRate", "meanMessagesAfterFirstEnd", "tokensAfterFirstEnd", "costAfterFirstEnd"],
                corpus.Pairs.Select(p => new object?[]
                {
                    p.Pair, p.Conversations, p.MeanMessages, p.RefusalRate, p.GoodbyeLoopRate, p.EndTokenRate, p.MeanMessagesAfterFirstEnd, p.TokensAfterFirstEnd, p.CostAfterFirstEnd,
                })),
            (
                "conversations.csv",
                ["title", "source", "messages", "stopReason", "firstEnd", "messagesAfterFirstEnd", "goodbyeLoopStart", "goodbyeLoopLength", "refusals", "nearDuplicates", "garbledWords"],
                corpus.Rows.Select(r => new object?[]
                {
                    r.Title, r.Source, r.Messages, r.StopReason, r.FirstEnd, r.MessagesAfterFirstEnd, r.GoodbyeLoopStart, r.GoodbyeLoopLength, r.Refusals, r.NearDuplicates, r.GarbledWords,
                })),
        };

        var written = new List<string>();
        foreach (var (name, header, rows) in tables)
        {
            var path = Path.Combine(directory, name);
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                WriteRow(writer, header);
                foreach (var row in rows)
                {
                    WriteRow(writer, row);
                }
            }

            written.Add(path);
        }

        return written;
    }

    private static void WriteRow(TextWriter writer, IReadOnlyList<object?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            writer.Write(Cell(cells[i]));
        }

        writer.Write("\r\n");
    }

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            string s => s.Length > 0 && s[0] is '=' or '+' or '-' or '@' ? "'" + s : s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
