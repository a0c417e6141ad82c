using System.Globalization;
using Crosstalk.Cli.Commands;
using Crosstalk.Cli.Rendering;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Batch;

/// <summary>What <c>batch</c>, <c>resume</c> and <c>fork</c> share: models, the progress display, the summary, the exit code.</summary>
internal static class BatchSession
{
    /// <summary>Offline agents get each conversation's seed; provider models share the resolver's factory (pools, limits, breakers).</summary>
    public static BatchModelFactory Models(ModelResolver resolver) =>
        (reference, seed) => resolver.Resolve(reference, "model", seed);

    public static async Task<int> RunAsync(CliContext context, ITranscriptStore store, BatchRunner runner, string runId, BatchSessionOptions options, CancellationToken cancellationToken)
    {
        var interactive = !options.Quiet && context.Console.Profile.Capabilities.Interactive;
        var display = new BatchDisplay(context.Console, context.TimeProvider, interactive, options.Quiet ? TimeSpan.Zero : options.LineInterval);
        var outcome = await runner.RunAsync(runId, display.ShowAsync, options.Concurrency, options.CostCeiling, cancellationToken).ConfigureAwait(false);

        if (options.Summary)
        {
            context.Console.Write(await BatchSummary.BuildAsync(store, runId, CancellationToken.None).ConfigureAwait(false));
        }

        if (outcome.Errors.Count > 0)
        {
            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[red]{0} conversation(s) could not be stored; first: {1}[/]", outcome.Errors.Count, TerminalText.Escape(outcome.Errors[0]));
        }

        var failed = await ShowFailuresAsync(context, store, runId).ConfigureAwait(false);
        var problem = outcome.Errors.Count > 0 || failed > 0;
        if (outcome.Unfinished == 0)
        {
            context.Console.MarkupLine($"[green]Run {TerminalText.Escape(runId)} is complete[/] · {TerminalText.Escape(store.Description)}");
            return problem ? ExitCodes.UserError : ExitCodes.Success;
        }

        var why = outcome.Interrupted ? "Interrupted" : outcome.CostCeilingReached ? "Cost ceiling reached" : "Stopped";
        var more = outcome.CostCeilingReached ? " --cost-ceiling USD [grey](a higher ceiling; at the same one it would stop again at once)[/]" : "";
        context.Console.MarkupLine(CultureInfo.InvariantCulture, "{0}: {1} conversation(s) left. Continue with: [bold]crosstalk resume {2}[/]{3}", why, outcome.Unfinished, TerminalText.Escape(runId), more);
        return outcome.Interrupted ? ExitCodes.Interrupted : problem ? ExitCodes.UserError : ExitCodes.Success;
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
        foreach (var (detail, count) in reasons.OrderByDescending(r => r.Value).Take(3))
        {
            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[red]  {0} × {1}[/]", count, TerminalText.Escape(detail));
        }

        context.Console.MarkupLine(CultureInfo.InvariantCulture, "Once the cause is fixed, they go on from their last message with: [bold]crosstalk resume {0} --retry-failed[/]", TerminalText.Escape(runId));

        return failed;
    }
}
