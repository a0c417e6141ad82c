using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Batch;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine;
using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk resume</c>: continues a run's unfinished conversations, or one conversation, from the last stored message.</summary>
internal static class ResumeCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string?>("target") { Description = "A run id, or a conversation id (a number) to continue just that conversation; default: the latest run with unfinished conversations.", Arity = ArgumentArity.ZeroOrOne }.NotAnOption();
        var db = StoreOptions.CreateDbOption();
        var modelsFile = ModelsOption.Create();
        var concurrency = new Option<int?>("--concurrency", "-j") { Description = "Conversations running at once; default: the run's." }.AtLeast(1);
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display; print only the summary." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Also go on with the conversations that stopped on an error (a provider that kept failing, a key that was missing), each from its last stored message. Without a run: the latest run that has any." };
        var allowUnpriced = new Option<bool>("--allow-unpriced") { Description = "Resume with --cost-ceiling although a model of the run has no price in the catalog (its cost is then not counted)." };
        var ceiling = new Option<decimal?>("--cost-ceiling") { Description = "The run's cost ceiling in US dollars (everything it has spent, earlier sessions included), in place of the experiment's: raise it to go on after the ceiling stopped the run." }.Positive();
        var interval = new Option<double>("--progress-interval") { Description = "Seconds between progress lines when the output is not a terminal (0.1 to 86400).", DefaultValueFactory = _ => 5 }.Between(0.1, 86_400);
        var delay = new Option<int>("--token-delay") { Description = "Milliseconds the offline agents wait per word.", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var cluster = ClusterOption.Create();

        var otel = Telemetry.CreateOption();
        var verbose = Logging.CliLogging.CreateOption();
        var command = new Command(
            "resume",
            """
            Continues after Ctrl+C, a crash or kill -9: every conversation of a run that did not finish goes on from
            its last stored message, each seat seeing the same history as before, with the same seeds. Give a
            conversation id to continue one conversation, whoever started it (crosstalk run, a batch, a fork, the
            browser). Several resume processes (on several machines, with PostgreSQL) may work on one run: each
            takes the conversations nobody runs, and waits for the rest.

            Examples:
              crosstalk resume
              crosstalk resume r-20261123-041500-ab12 --db runs.db
              crosstalk resume 42                         one conversation
              crosstalk resume r-20261123-041500-ab12 --cost-ceiling 20
                                                          past the experiment's ceiling
              crosstalk resume r-20261123-041500-ab12 --cluster \
                --db postgres://crosstalk@localhost/crosstalk
            """)
        {
            target, db, modelsFile, concurrency, ceiling, allowUnpriced, retryFailed, quiet, interval, delay, cluster, otel, verbose,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var tracing = Telemetry.Start(parseResult.GetValue(otel));
            using var logs = Logging.CliLogging.Create(Logging.CliLogging.Level(parseResult.GetValue(verbose), context.Environment), context.Error);
            var models = CliEngine.Models(context, parseResult.GetValue(modelsFile), TimeSpan.FromMilliseconds(parseResult.GetValue(delay)), telemetry: tracing is not null, logs: logs);
            var database = CliEngine.Database(context, parseResult.GetValue(db));
            var onCluster = parseResult.GetValue(cluster);
            ClusterOption.Check(onCluster, database);
            if (!CliEngine.LooksLikePostgres(database) && !File.Exists(database))
            {
                throw new UserException($"There is no store at {database}, so there is nothing to resume.");
            }

            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), models, cancellationToken).ConfigureAwait(false);
            var store = engine.Store;
            var what = parseResult.GetValue(target);
            if (what is not null && long.TryParse(what, NumberStyles.None, CultureInfo.InvariantCulture, out var conversationId))
            {
                if (onCluster)
                {
                    throw new UsageException("--cluster resumes a run; give a run id (one conversation is resumed here, without --cluster).");
                }

                return await ResumeConversationAsync(context, engine, conversationId, parseResult.GetValue(quiet), cancellationToken).ConfigureAwait(false);
            }

            var retry = parseResult.GetValue(retryFailed);
            var runId = what
                ?? (retry ? await FindLatestFailedAsync(store, cancellationToken).ConfigureAwait(false) : null)
                ?? await FindLatestUnfinishedAsync(store, cancellationToken).ConfigureAwait(false);
            if (runId is null)
            {
                // No run at all is worth an error: the batch the user means stored nothing.
                return await ExplainNothingToResumeAsync(context, store, cancellationToken).ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.UserError;
            }

            var plan = await engine.Runs.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(ceiling) is not null)
            {
                // The models of the conversations this resume may run (unfinished, interrupted or failed) must have prices.
                var plans = new List<ConversationPlan>();
                await foreach (var summary in store.ListConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false))
                {
                    if (summary.StopReason is null or StopReasons.Interrupted or StopReasons.Error
                        && await engine.GetPlanAsync(summary.Id, cancellationToken).ConfigureAwait(false) is { } conversationPlan)
                    {
                        plans.Add(conversationPlan);
                    }
                }

                ConversationPlanner.CheckCostCeiling(plans, engine.Models, parseResult.GetValue(allowUnpriced));
            }

            if (retry)
            {
                var reopened = await store.ReopenFailedConversationsAsync(runId, cancellationToken).ConfigureAwait(false);
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "Retrying {0} conversation(s) of run {1} that stopped on an error.", reopened.Count, TerminalText.Escape(runId));
            }

            var total = await store.CountConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false);
            var left = (await store.GetUnfinishedConversationsAsync(runId, cancellationToken).ConfigureAwait(false)).Count;
            context.Console.MarkupLine(CultureInfo.InvariantCulture, "Resuming run [bold]{0}[/] ({1}): {2} of {3} conversations unfinished · {4}", TerminalText.Escape(runId), TerminalText.Escape(plan.Name), left, total, TerminalText.Escape(store.Description));
            var options = new BatchSessionOptions
            {
                Concurrency = parseResult.GetValue(concurrency),
                CostCeiling = parseResult.GetValue(ceiling),
                Quiet = parseResult.GetValue(quiet),
                LineInterval = TimeSpan.FromSeconds(Math.Max(0.1, parseResult.GetValue(interval))),
            };
            return onCluster
                ? await ClusterSession.RunAsync(context, engine, database, runId, options, cancellationToken).ConfigureAwait(false)
                : await BatchSession.RunAsync(context, engine, runId, options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ResumeConversationAsync(CliContext context, CrosstalkEngine engine, long id, bool quiet, CancellationToken cancellationToken)
    {
        var plan = await engine.GetPlanAsync(id, cancellationToken).ConfigureAwait(false);
        var transcript = await engine.Store.GetTranscriptAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new UserException($"There is no conversation {id} in {engine.Store.Description}; 'crosstalk list RUN' shows the ids.");
        if (plan is null)
        {
            throw new UserException($"Conversation {id} was stored without a plan (an import), so it cannot be continued; 'crosstalk fork {id} --at {transcript.Messages.Count}' goes on from it.");
        }

        if (!quiet)
        {
            context.Console.MarkupLine(CultureInfo.InvariantCulture, "Resuming conversation [bold]{0}[/] ({1}) after message {2} · stop: {3}", id, TerminalText.Escape(transcript.Title), transcript.Messages.Count, TerminalText.Escape(plan.StopPolicy));
        }

        var observer = new ConversationConsole(context.Console, context.TimeProvider, quiet, plan.Seats.Count, plan.EndToken, plan.Opener is not null);
        var result = await engine.Conversations.ExecuteAsync(id, observer, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Outcome == ExecutionOutcome.AlreadyFinished
            ? throw new UserException($"Conversation {id} has already ended ({result.Stop!.Reason}); 'crosstalk fork {id} --at {transcript.Messages.Count}' goes on from it.")
            : RunCommand.Report(context, engine, id, result, plan);
    }

    // Says why there is nothing to do, truthfully: no runs at all, every run complete, or only single conversations left.
    private static async Task<bool> ExplainNothingToResumeAsync(CliContext context, ITranscriptStore store, CancellationToken cancellationToken)
    {
        var runs = 0;
        await foreach (var _ in store.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            runs++;
        }

        context.Console.MarkupLine(runs == 0
            ? $"Nothing to resume: {TerminalText.Escape(store.Description)} holds no run (a batch stopped before it stored its run left nothing; start it again)."
            : $"Nothing to resume: every run in {TerminalText.Escape(store.Description)} is complete.");
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
                "{0} unfinished conversation(s) outside any run (crosstalk run, fork, the browser); to go on with the latest: crosstalk resume {1}",
                count,
                latest.Id);
        }

        return runs > 0 || latest is not null;
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

            var planned = Engine.Plans.PlanJson.ReadRun(record.SpecJson, $"Run '{runs[i].Id}'").Conversations?.Count ?? 0;
            if (runs[i].Conversations < planned
                || (await store.GetUnfinishedConversationsAsync(runs[i].Id, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return runs[i].Id;
            }
        }

        return null;
    }
}
