using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Plans;
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
        var run = new Argument<string?>("run") { Description = "List this run's conversations.", Arity = ArgumentArity.ZeroOrOne }.NotAnOption();
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
              crosstalk list --limit 20      the latest 20 conversations, runs or not
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
        // Within one run, the run column would repeat itself: the experiment's factors take its place (the order is in
        // the title: who is named first spoke first), with each system prompt numbered and shown once below.
        var factors = query.RunId is not null;
        var prompts = new List<string>();
        var rows = new List<List<string>>();
        var costs = false;
        await foreach (var conversation in store.ListConversationsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var cells = new List<string> { conversation.Id.ToString(CultureInfo.InvariantCulture) };
            if (!factors)
            {
                cells.Add(TerminalText.Escape(conversation.RunId ?? "–"));
            }

            cells.Add(TerminalText.Escape(conversation.Title));
            if (factors)
            {
                var plan = await ReadPlanAsync(store, conversation.Id, cancellationToken).ConfigureAwait(false);
                cells.Add(plan is null ? "–" : TerminalText.Escape(OpenerLabel(plan.Opener)));
                cells.Add(plan?.PromptTemplate is { } template ? PromptNumber(template, prompts) : "–");
                cells.Add(plan?.Repetition?.ToString(CultureInfo.InvariantCulture) ?? "–");
            }

            cells.Add(conversation.MessageCount.ToString(CultureInfo.InvariantCulture));
            cells.Add(TerminalText.Escape(conversation.State));
            cells.Add(conversation.TotalTokens.ToString("N0", CultureInfo.InvariantCulture));
            cells.Add(Money(conversation.TotalCost));
            costs |= conversation.TotalCost is not null;
            rows.Add(cells);
        }

        // Within a run where nothing has a price (offline agents, unpriced models), a column of dashes only takes room.
        var withCost = !factors || costs;
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("Id").RightAligned());
        if (!factors)
        {
            table.AddColumn(new TableColumn("Run").NoWrap());
        }

        table.AddColumn("Conversation");
        if (factors)
        {
            table.AddColumn("Opener");
            table.AddColumn(new TableColumn("Prompt").RightAligned());
            table.AddColumn(new TableColumn("Rep.").RightAligned());
        }

        table.AddColumn(new TableColumn("Msgs").RightAligned());
        table.AddColumn(new TableColumn("Stopped").NoWrap());
        table.AddColumn(new TableColumn("Tokens").RightAligned());
        if (withCost)
        {
            table.AddColumn(new TableColumn("Cost").RightAligned());
        }

        foreach (var cells in rows)
        {
            table.AddRow([.. withCost ? cells : cells[..^1]]);
        }

        var total = await store.CountConversationsAsync(query, cancellationToken).ConfigureAwait(false);
        if (table.Rows.Count > 0)
        {
            context.Console.Write(table);
        }

        context.Console.MarkupLine(CultureInfo.InvariantCulture, "{0} of {1} matching conversation(s)", table.Rows.Count, total);
        for (var i = 0; i < prompts.Count && prompts.Count > 1; i++)
        {
            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[grey]Prompt {0}:[/] {1}", i + 1, TerminalText.Escape(Shorten(prompts[i], 160)));
        }
    }

    private static string OpenerLabel(string? opener) => opener switch
    {
        null => "none",
        _ when string.IsNullOrWhiteSpace(opener) => "blank",
        _ => Shorten(opener.ReplaceLineEndings(" "), 12),
    };

    // Each distinct template gets the next number, in the order the list meets them.
    private static string PromptNumber(string template, List<string> prompts)
    {
        var index = prompts.IndexOf(template);
        if (index < 0)
        {
            prompts.Add(template);
            index = prompts.Count - 1;
        }

        return (index + 1).ToString(CultureInfo.InvariantCulture);
    }

    // A plan this version cannot read (a later Crosstalk's) shows as unknown factors rather than failing the list.
    private static async Task<ConversationPlan?> ReadPlanAsync(ITranscriptStore store, long id, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetConversationSpecAsync(id, cancellationToken).ConfigureAwait(false) is { } spec
                ? PlanJson.ReadConversation(spec, string.Create(CultureInfo.InvariantCulture, $"Conversation {id}"))
                : null;
        }
        catch (Crosstalk.Engine.PlanException)
        {
            return null;
        }
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Money(decimal? cost) => cost is { } value ? value.ToString("$0.0000", CultureInfo.InvariantCulture) : "–";
}
