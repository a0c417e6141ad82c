using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Batch;
using Crosstalk.Cli.Rendering;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk resume</c>: continues every unfinished conversation of a run from its last stored message.</summary>
internal static class ResumeCommand
{
    public static Command Create(CliContext context)
    {
        var run = new Argument<string?>("run") { Description = "The run to continue; default: the latest run with unfinished conversations.", Arity = ArgumentArity.ZeroOrOne };
        var db = StoreOptions.CreateDbOption();
        var modelsFile = new Option<string?>("--models") { Description = "A model catalog file merged over the built-in one; default: $CROSSTALK_MODELS, else ~/.config/crosstalk/models.yaml." };
        var concurrency = new Option<int?>("--concurrency", "-j") { Description = "Conversations running at once; default: the run's." }.AtLeast(1);
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display; print only the summary." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Also go on with the conversations that stopped on an error (a provider that kept failing, a key that was missing), each from its last stored message. Without a run: the latest run that has any." };
        var ceiling = new Option<decimal?>("--cost-ceiling") { Description = "The run's cost ceiling in US dollars (everything it has spent, earlier sessions included), in place of the experiment's: raise it to go on after the ceiling stopped the run." }.Positive();
        var interval = new Option<double>("--progress-interval") { Description = "Seconds between progress lines when the output is not a terminal.", DefaultValueFactory = _ => 5 };
        var delay = new Option<int>("--token-delay") { Description = "Milliseconds the offline agents wait per word.", DefaultValueFactory = _ => 0 }.AtLeast(0);

        var otel = Telemetry.CreateOption();
        var command = new Command(
            "resume",
            """
            Continues a run after Ctrl+C, a crash or kill -9: every conversation that did not finish goes on from
            its last stored message, each seat seeing the same history as before, with the same seeds.
            Conversations whose creation was cut short are created first.

            Examples:
              crosstalk resume
              crosstalk resume r-20261123-041500-ab12 --db runs.db
              crosstalk resume r-20261123-041500-ab12 --cost-ceiling 20     go on past the experiment's ceiling
            """)
        {
            run, db, modelsFile, concurrency, ceiling, retryFailed, quiet, interval, delay, otel,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var retry = parseResult.GetValue(retryFailed);
            var runId = parseResult.GetValue(run)
                ?? (retry ? await FindLatestFailedAsync(store, cancellationToken).ConfigureAwait(false) : null)
                ?? await FindLatestUnfinishedAsync(store, cancellationToken).ConfigureAwait(false);
            if (retry && runId is not null)
            {
                var reopened = await store.ReopenFailedConversationsAsync(runId, cancellationToken).ConfigureAwait(false);
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "Retrying {0} conversation(s) of run {1} that stopped on an error.", reopened.Count, TerminalText.Escape(runId));
            }

            if (runId is null)
            {
                context.Console.MarkupLine($"Nothing to resume: every run in {TerminalText.Escape(store.Description)} is complete.");
                await ExplainSingleConversationsAsync(context, store, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            using var tracing = Telemetry.Start(parseResult.GetValue(otel));
            using var resolver = new ModelResolver(context, 1, TimeSpan.FromMilliseconds(parseResult.GetValue(delay)), parseResult.GetValue(modelsFile), telemetry: tracing is not null);
            var runner = new BatchRunner(store, BatchSession.Models(resolver), context.TimeProvider);
            var plan = await runner.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false);
            var left = (await store.GetUnfinishedConversationsAsync(runId, cancellationToken).ConfigureAwait(false)).Count;
            context.Console.MarkupLine($"Resuming run [bold]{TerminalText.Escape(runId)}[/] ({TerminalText.Escape(plan.Name)}): {left} of {plan.Conversations.Count} conversations unfinished · {TerminalText.Escape(store.Description)}");
            var options = new BatchSessionOptions
            {
                Concurrency = parseResult.GetValue(concurrency),
                CostCeiling = parseResult.GetValue(ceiling),
                Quiet = parseResult.GetValue(quiet),
                LineInterval = TimeSpan.FromSeconds(Math.Max(0.1, parseResult.GetValue(interval))),
            };
            return await BatchSession.RunAsync(context, store, runner, runId, options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // Conversations of `crosstalk run` belong to no run and keep no plan, so resume cannot continue them: say so, and how
    // to go on with one, rather than leave `list --unfinished` and "nothing to resume" to contradict each other.
    private static async Task ExplainSingleConversationsAsync(CliContext context, ITranscriptStore store, CancellationToken cancellationToken)
    {
        var count = 0;
        ConversationSummary? latest = null;
        await foreach (var conversation in store.ListConversationsAsync(new ConversationQuery { UnfinishedOnly = true }, cancellationToken).ConfigureAwait(false))
        {
            if (conversation.RunId is null)
            {
                count++;
                latest = conversation;
            }
        }

        if (latest is not null)
        {
            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "{0} unfinished conversation(s) from crosstalk run are not part of a run, so resume does not continue them; to go on with the latest: crosstalk fork {1} --at {2}",
                count,
                latest.Id,
                latest.MessageCount);
        }
    }

    // The newest run with a conversation that stopped on an error.
    private static async Task<string?> FindLatestFailedAsync(ITranscriptStore store, CancellationToken cancellationToken)
    {
        string? latest = null;
        await foreach (var conversation in store.ListConversationsAsync(new ConversationQuery { StopReason = StopReasons.Error }, cancellationToken).ConfigureAwait(false))
        {
            if (conversation.RunId is { } runId && (latest is null || string.CompareOrdinal(runId, latest) > 0))
            {
                latest = runId;
            }
        }

        return latest;
    }

    /// <summary>The newest run made by a batch that still has unfinished conversations (imports cannot be resumed).</summary>
    internal static async Task<string?> FindLatestUnfinishedAsync(ITranscriptStore store, CancellationToken cancellationToken)
    {
        var runs = new List<RunSummary>();
        await foreach (var run in store.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(run);
        }

        for (var i = runs.Count - 1; i >= 0; i--)
        {
            var record = await store.GetRunAsync(runs[i].Id, cancellationToken).ConfigureAwait(false);
            if (record?.SpecJson is null)
            {
                continue;
            }

            var plan = BatchRunner.ReadPlan(record);
            if (runs[i].Conversations < plan.Conversations.Count
                || (await store.GetUnfinishedConversationsAsync(runs[i].Id, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return runs[i].Id;
            }
        }

        return null;
    }
}
