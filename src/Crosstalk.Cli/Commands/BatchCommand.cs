using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Batch;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk batch</c>: runs a whole experiment in parallel, into the store.</summary>
internal static class BatchCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("experiment") { Description = "The experiment: a YAML file (see docs/experiments.md) or the original system's config.json, unchanged." };
        var db = StoreOptions.CreateDbOption();
        var modelsFile = new Option<string?>("--models") { Description = "A model catalog file merged over the built-in one; default: $CROSSTALK_MODELS, else ~/.config/crosstalk/models.yaml." };
        var concurrency = new Option<int?>("--concurrency", "-j") { Description = "Conversations running at once; overrides the file's concurrency (max_workers)." }.AtLeast(1);
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display; print only the summary." };
        var interval = new Option<double>("--progress-interval") { Description = "Seconds between progress lines when the output is not a terminal (0.1 to 86400).", DefaultValueFactory = _ => 5 }.Between(0.1, 86_400);
        var delay = new Option<int>("--token-delay") { Description = "Milliseconds the offline agents wait per word (to watch the live display).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var cluster = ClusterOption.Create();
        var allowUnpriced = new Option<bool>("--allow-unpriced") { Description = "Run with cost_budget or cost_ceiling although a model has no price in the catalog (its cost is then not counted)." };

        var otel = Telemetry.CreateOption();
        var verbose = Logging.CliLogging.CreateOption();
        var command = new Command(
            "batch",
            """
            Runs an experiment: every conversation of its matrix, in parallel within its concurrency, each message
            stored the moment it completes. Shows progress (overall bar with ETA, cost, a line per running
            conversation, counts by stop reason) and ends with a summary per pair. Ctrl+C stops gracefully
            (Ctrl+C again: at once); 'crosstalk resume' continues. With output_dir set, each conversation is also
            written as the original system wrote it: {A}_vs_{B}_{yyyyMMdd_HHmmss}_run{n}.md and .json.

            Examples:
              crosstalk batch experiment.yaml
              crosstalk batch config.json --db runs.db
              crosstalk batch experiment.yaml -j 64 --quiet
              crosstalk batch experiment.yaml --cluster \
                --db postgres://crosstalk@localhost/crosstalk
            """)
        {
            file, db, modelsFile, concurrency, quiet, interval, delay, cluster, allowUnpriced, otel, verbose,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = context.ResolvePath(parseResult.GetValue(file)!);
            var experiment = ExperimentFile.Load(path);
            foreach (var warning in experiment.Warnings)
            {
                context.Say("warning", warning);
            }

            // Checked before anything is stored: a run that cannot start would be offered to every later resume.
            var count = experiment.Expand().Count;
            if (count == 0)
            {
                throw new UserException($"{path} plans no conversation: a pair needs two models (or a model paired with itself in 'pairs:'), and 'repetitions' at least 1.");
            }

            var onCluster = parseResult.GetValue(cluster);
            var database = CliEngine.Database(context, parseResult.GetValue(db));
            ClusterOption.Check(onCluster, database);
            var output = experiment.OutputDirectory is { } dir ? OutputPaths.Folder(context, dir, "output_dir") : null;
            var jobs = parseResult.GetValue(concurrency);
            using var tracing = Telemetry.Start(parseResult.GetValue(otel));
            using var logs = Logging.CliLogging.Create(Logging.CliLogging.Level(parseResult.GetValue(verbose), context.Environment), context.Error);
            var models = CliEngine.Models(context, parseResult.GetValue(modelsFile), TimeSpan.FromMilliseconds(parseResult.GetValue(delay)), telemetry: tracing is not null, logs: logs);
            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), models, cancellationToken).ConfigureAwait(false);
            string runId;
            try
            {
                // The run and all its conversations are stored in one transaction: a batch killed at any moment leaves
                // either nothing (run it again) or the whole run (resume it). Ctrl+C while it is being stored (a run of
                // hundreds of thousands takes a while) rolls it back at once: nothing is stored.
                var (run, conversations) = ConversationPlanner.PlanRun(experiment, engine.Models, context.TimeProvider.GetLocalNow(), output, parseResult.GetValue(allowUnpriced));
                runId = await engine.CreateRunAsync(run, conversations, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("Stopped before the run was stored: nothing was stored; run the same command again to start it.").ConfigureAwait(false);
                throw;
            }
            catch (Exception ex) when (ex is ModelResolutionException or Crosstalk.Engine.PlanException)
            {
                // A model the file names cannot be made (unknown, or its key is missing), or cannot be priced: say which file names it.
                throw new UserException($"{path}: {ex.Message}", ex);
            }

            context.Console.MarkupLine(CultureInfo.InvariantCulture, "Run [bold]{0}[/]: {1} conversations of {2}, {3} at once · stop: {4} · {5}",
                TerminalText.Escape(runId), count, TerminalText.Escape(experiment.Name), jobs ?? experiment.Concurrency, TerminalText.Escape(experiment.Stop.ToPolicy()), TerminalText.Escape(engine.Store.Description));
            if (output is not null)
            {
                context.Console.MarkupLine($"[grey]Transcript files: {TerminalText.Escape(output)}[/]");
            }

            var options = new BatchSessionOptions
            {
                Concurrency = jobs,
                Quiet = parseResult.GetValue(quiet),
                LineInterval = TimeSpan.FromSeconds(Math.Max(0.1, parseResult.GetValue(interval))),
            };
            return onCluster
                ? await ClusterSession.RunAsync(context, engine, database, runId, options, cancellationToken).ConfigureAwait(false)
                : await BatchSession.RunAsync(context, engine, runId, options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
