using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Storage;
using Spectre.Console;

namespace Crosstalk.Cli.Batch;

/// <summary>The table printed after a batch: per pair, conversations, mean length, stop reasons, tokens and cost.</summary>
internal static class BatchSummary
{
    public static async Task<Table> BuildAsync(ITranscriptStore store, string runId, CancellationToken cancellationToken = default)
    {
        var rows = new SortedDictionary<string, PairRow>(StringComparer.Ordinal);
        await foreach (var conversation in store.ListConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false))
        {
            if (!rows.TryGetValue(conversation.Title, out var row))
            {
                rows[conversation.Title] = row = new PairRow();
            }

            row.Conversations++;
            row.Messages += conversation.MessageCount;
            row.Tokens += conversation.TotalTokens;
            if (conversation.TotalCost is { } cost)
            {
                row.Cost = (row.Cost ?? 0) + cost;
            }

            var reason = conversation.StopReason ?? "unfinished";
            row.Reasons[reason] = row.Reasons.GetValueOrDefault(reason) + 1;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Pair");
        table.AddColumn(new TableColumn("Conversations").RightAligned());
        table.AddColumn(new TableColumn("Mean messages").RightAligned());
        table.AddColumn("Stop reasons");
        table.AddColumn(new TableColumn("Tokens").RightAligned());
        table.AddColumn(new TableColumn("Cost").RightAligned());
        var total = new PairRow();
        foreach (var (pair, row) in rows)
        {
            AddRow(table, TerminalText.Escape(pair), row);
            total.Conversations += row.Conversations;
            total.Messages += row.Messages;
            total.Tokens += row.Tokens;
            total.Cost = row.Cost is null ? total.Cost : (total.Cost ?? 0) + row.Cost;
            foreach (var (reason, count) in row.Reasons)
            {
                total.Reasons[reason] = total.Reasons.GetValueOrDefault(reason) + count;
            }
        }

        if (rows.Count > 1)
        {
            AddRow(table, "[bold]All[/]", total);
        }

        return table;
    }

    private static void AddRow(Table table, string pair, PairRow row) => table.AddRow(
        pair,
        row.Conversations.ToString(CultureInfo.InvariantCulture),
        (row.Conversations == 0 ? 0 : row.Messages / (double)row.Conversations).ToString("0.0", CultureInfo.InvariantCulture),
        TerminalText.Escape(string.Join(", ", row.Reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value}")))),
        row.Tokens.ToString("N0", CultureInfo.InvariantCulture),
        row.Cost is { } cost ? cost.ToString("$0.0000", CultureInfo.InvariantCulture) : "–");

    private sealed class PairRow
    {
        public int Conversations { get; set; }

        public long Messages { get; set; }

        public long Tokens { get; set; }

        public decimal? Cost { get; set; }

        public SortedDictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);
    }
}
