using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk list</c>: the runs in the store, or the conversations that match filters.</summary>
internal static class ListCommand
{
    private const int LatestOutsideRuns = 20;

    public static Command Create(CliContext context)
    {
        var run = new Argument<string?>("run") { Description = "List this run's conversations.", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "Only conversations where a participant's name or model contains this text." };
        var reason = new Option<string?>("--stop-reason") { Description = $"Only conversations that stopped for this reason: {string.Join(", ", StopReasons.All)}." };
        reason.AcceptOnlyFromAmong([.. StopReasons.All]);
        var minMessages = new Option<int?>("--min-messages") { Description = "Only conversations with at least this many messages." }.AtLeast(0);
        var maxMessages = new Option<int?>("--max-messages") { Description = "Only conversations with at most this many messages." }.AtLeast(0);
        var unfinished = new Option<bool>("--unfinished") { Description = "Only conversations that did not finish: crosstalk resume continues those of runs; crosstalk fork ID --at N goes on with one from crosstalk run." };
        var limit = new Option<int?>("--limit") { Description = "At most this many conversations (newest first when set)." }.AtLeast(1);
        var db = StoreOptions.CreateDbOption();

        var command = new Command(
            "list",
            """
            Lists the runs in the store with their totals, and counts the conversations outside any run (those of
            crosstalk run and of the live page); with a run or any filter, lists the matching conversations (id,
            participants, messages, stop reason, tokens, cost).

            Examples:
              crosstalk list
              crosstalk list r-20261123-041500-ab12 --stop-reason end-token
              crosstalk list --limit 20                 the latest 20 conversations, runs or not
              crosstalk list --model kimi --min-messages 90
            """)
        {
            run, model, reason, minMessages, maxMessages, unfinished, limit, db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var query = new ConversationQuery
            {
                RunId = parseResult.GetValue(run),
                Participant = parseResult.GetValue(model),
                StopReason = parseResult.GetValue(reason),
                MinMessages = parseResult.GetValue(minMessages),
                MaxMessages = parseResult.GetValue(maxMessages),
                UnfinishedOnly = parseResult.GetValue(unfinished),
                Limit = parseResult.GetValue(limit),
                Descending = parseResult.GetValue(limit) is not null,
            };
            if (query.RunId is { } runId && await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UserException($"There is no run '{runId}' in {store.Description}; 'crosstalk list' shows the runs.");
            }

            if (query == new ConversationQuery { Descending = false })
            {
                await ListRunsAsync(context, store, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ListConversationsAsync(context, store, query, cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // The runs, then what lies outside them: conversations from `crosstalk run` and the web live page belong to no run.
    private static async Task ListRunsAsync(CliContext context, ITranscriptStore store, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("Run").NoWrap());
        table.AddColumn("Experiment");
        table.AddColumn("Started");
        table.AddColumn(new TableColumn("Conversations").RightAligned());
        table.AddColumn(new TableColumn("Finished").RightAligned());
        table.AddColumn(new TableColumn("Messages").RightAligned());
        table.AddColumn(new TableColumn("Tokens").RightAligned());
        table.AddColumn(new TableColumn("Cost").RightAligned());
        long inRuns = 0;
        await foreach (var run in store.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            inRuns += run.Conversations;
            table.AddRow(
                TerminalText.Escape(run.Id),
                TerminalText.Escape(run.ExperimentName),
                run.Started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                run.Conversations.ToString(CultureInfo.InvariantCulture),
                run.Finished.ToString(CultureInfo.InvariantCulture),
                run.Messages.ToString("N0", CultureInfo.InvariantCulture),
                run.TotalTokens.ToString("N0", CultureInfo.InvariantCulture),
                Money(run.TotalCost));
        }

        var outside = await store.CountConversationsAsync(ConversationQuery.All, cancellationToken).ConfigureAwait(false) - inRuns;
        if (table.Rows.Count == 0 && outside == 0)
        {
            context.Console.MarkupLine(
                $"{TerminalText.Escape(store.Description)} holds no conversations yet. Start one with: crosstalk run, or a whole experiment with: crosstalk batch experiment.yaml");
            return;
        }

        if (table.Rows.Count == 0)
        {
            // Only single conversations: show the latest of them rather than an empty list of runs.
            context.Console.MarkupLine($"No runs (crosstalk batch) in {TerminalText.Escape(store.Description)}; its latest conversations:");
            await ListConversationsAsync(context, store, new ConversationQuery { Limit = LatestOutsideRuns, Descending = true }, cancellationToken).ConfigureAwait(false);
            return;
        }

        context.Console.Write(table);
        if (outside > 0)
        {
            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "and {0} conversation(s) outside any run (from crosstalk run or the live page of crosstalk serve): crosstalk list --limit {1} shows the latest.",
                outside,
                LatestOutsideRuns);
        }
    }

    private static async Task ListConversationsAsync(CliContext context, ITranscriptStore store, ConversationQuery query, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("Id").RightAligned());
        table.AddColumn(new TableColumn("Run").NoWrap());
        table.AddColumn("Conversation");
        table.AddColumn(new TableColumn("Messages").RightAligned());
        table.AddColumn("Stopped");
        table.AddColumn(new TableColumn("Tokens").RightAligned());
        table.AddColumn(new TableColumn("Cost").RightAligned());
        await foreach (var conversation in store.ListConversationsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            table.AddRow(
                conversation.Id.ToString(CultureInfo.InvariantCulture),
                TerminalText.Escape(conversation.RunId ?? "–"),
                TerminalText.Escape(conversation.Title),
                conversation.MessageCount.ToString(CultureInfo.InvariantCulture),
                TerminalText.Escape(conversation.State),
                conversation.TotalTokens.ToString("N0", CultureInfo.InvariantCulture),
                Money(conversation.TotalCost));
        }

        var total = await store.CountConversationsAsync(query, cancellationToken).ConfigureAwait(false);
        if (table.Rows.Count > 0)
        {
            context.Console.Write(table);
        }

        context.Console.MarkupLine(CultureInfo.InvariantCulture, "{0} of {1} matching conversation(s)", table.Rows.Count, total);
    }

    private static string Money(decimal? cost) => cost is { } value ? value.ToString("$0.0000", CultureInfo.InvariantCulture) : "–";
}
