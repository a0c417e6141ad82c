using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine;
using Crosstalk.Engine.Runs;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Batch;

/// <summary>What <c>batch</c> and <c>resume</c> share: the progress display while the engine runs the run, the summary, the exit code.</summary>
internal static class BatchSession
{
    public static async Task<int> RunAsync(CliContext context, CrosstalkEngine engine, string runId, BatchSessionOptions options, CancellationToken cancellationToken)
    {
        var store = engine.Store;
        var total = (int)await store.CountConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false);
        var interactive = !options.Quiet && context.Console.Profile.Capabilities.Interactive;
        var display = new BatchDisplay(context.Console, context.TimeProvider, interactive, options.Quiet ? TimeSpan.Zero : options.LineInterval);
        var progress = new BatchProgress(context.TimeProvider, runId, total);
        RunOutcome? outcome = null;
        await display.ShowAsync(progress, async () =>
            outcome = await engine.Runs.RunAsync(
                runId,
                new RunOptions { Concurrency = options.Concurrency, CostCeiling = options.CostCeiling },
                progress,
                cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var warning in progress.Warnings)
        {
            // After the display, where a line cannot be overwritten by it: a conversation goes on, but a file is not written.
            context.Say("warning", warning);
        }

        return await ReportAsync(context, store, outcome!, total, options, $"{outcome!.RanHere} ran here", "").ConfigureAwait(false);
    }

    /// <summary>
    /// What a session prints once the run stopped, and its exit code: the summary, the failures, and whether the run is
    /// complete or how to go on (<paramref name="resume"/> is added to the resume command, <c>--cluster</c> say).
    /// </summary>
    public static async Task<int> ReportAsync(CliContext context, ITranscriptStore store, RunOutcome outcome, int total, BatchSessionOptions options, string where, string resume)
    {
        var runId = outcome.RunId;
        if (outcome.StoreError is { } storeError)
        {
            // The store went away (a lost connection, a full disk): nothing complete is lost, and the run goes on later.
            await context.Error.WriteLineAsync($"error: {storeError}").ConfigureAwait(false);
            context.Console.MarkupLine($"The run is kept as far as it got. Once the store is back: [bold]crosstalk resume {TerminalText.Escape(runId)}{resume}[/]");
            return ExitCodes.UserError;
        }

        if (options.Summary)
        {
            context.Console.Write(await BatchSummary.BuildAsync(store, runId, CancellationToken.None).ConfigureAwait(false));
        }

        var failed = await ShowFailuresAsync(context, store, runId).ConfigureAwait(false);
        if (outcome.Unfinished == 0)
        {
            if (failed > 0 && failed == total)
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "[red]Run {0} ended, but every one of its {1} conversation(s) stopped on an error.[/]", TerminalText.Escape(runId), total);
                return ExitCodes.UserError;
            }

            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Run {0} is complete[/] · {1} · {2}", TerminalText.Escape(runId), TerminalText.Escape(where), TerminalText.Escape(store.Description));
            return failed > 0 ? ExitCodes.UserError : ExitCodes.Success;
        }

        var why = outcome.Interrupted ? "Interrupted"
            : outcome.CostCeilingReached ? "Cost ceiling reached"
            : "Not finished here (another process holds them, or took them over while this one stalled)";
        var more = outcome.CostCeilingReached ? " --cost-ceiling USD [grey](a higher ceiling; at the same one it would stop again at once)[/]" : "";
        context.Console.MarkupLine(CultureInfo.InvariantCulture, "{0}: {1} conversation(s) left. Continue with: [bold]crosstalk resume {2}{3}[/]{4}", why, outcome.Unfinished, TerminalText.Escape(runId), resume, more);
        return outcome.Interrupted ? ExitCodes.Interrupted : failed > 0 ? ExitCodes.UserError : ExitCodes.Success;
    }

    // Conversations that stopped on an error (a provider that kept failing, a missing key): how many, and why, most
    // frequent reason first, so the cause is on the screen and not only in the transcripts.
    private static async Task<int> ShowFailuresAsync(CliContext context, ITranscriptStore store, string runId)
    {
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var failed = 0;
        await foreach (var conversation in store.ListConversationsAsync(new ConversationQuery { RunId = runId, StopReason = StopReasons.Error }, CancellationToken.None).ConfigureAwait(false))
        {
            var detail = conversation.StopDetail ?? "no detail recorded";
            reasons[detail] = reasons.GetValueOrDefault(detail) + 1;
            failed++;
        }

        if (failed == 0)
        {
            return 0;
        }

        context.Console.MarkupLine(CultureInfo.InvariantCulture, "[red]{0} conversation(s) stopped on an error:[/]", failed);
        var shown = reasons.OrderByDescending(r => r.Value).Take(3).ToList();
        foreach (var (detail, count) in shown)
        {
            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[red]  {0} × {1}[/]", count, TerminalText.Escape(detail));
        }

        if (reasons.Count > shown.Count)
        {
            // The rarest reasons are not hidden without a word: one of them may be the cause (a key refused on one model).
            var rest = failed - shown.Sum(r => r.Value);
            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "[red]  and {0} more, for {1} other reason(s): crosstalk list {2} --stop-reason error[/]",
                rest,
                reasons.Count - shown.Count,
                TerminalText.Escape(runId));
        }

        context.Console.MarkupLine(CultureInfo.InvariantCulture, "Once the cause is fixed, they go on from their last message with: [bold]crosstalk resume {0} --retry-failed[/]", TerminalText.Escape(runId));

        return failed;
    }
}
