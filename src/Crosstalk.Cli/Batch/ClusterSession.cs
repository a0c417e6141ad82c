using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Cluster;
using Crosstalk.Cluster.Grains;
using Crosstalk.Engine;
using Crosstalk.Engine.Runs;
using Crosstalk.Storage;
using Spectre.Console;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// <c>batch --cluster</c> and <c>resume --cluster</c>: hands the run to the cluster's silos, then shows the usual progress
/// by following the store until the run has ended. Ctrl+C asks the cluster to stop the run (its conversations stop as
/// interrupted, on every silo); killing this process does not stop the run, and a resume with <c>--cluster</c> follows it again.
/// </summary>
internal static class ClusterSession
{
    // How long the cluster may stay out of reach (a silo holding this client's gateway died) before the session gives up following.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(CliContext context, CrosstalkEngine engine, string database, string runId, BatchSessionOptions options, CancellationToken cancellationToken)
    {
        var store = engine.Store;
        CrosstalkClusterClient cluster;
        try
        {
            cluster = await CrosstalkClusterClient.ConnectAsync(database, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            throw new UserException($"{ex.Message} The run is stored: 'crosstalk resume {runId} --cluster' hands it to the cluster once a silo runs, 'crosstalk resume {runId}' runs it here.", ex);
        }

        await using (cluster.ConfigureAwait(false))
        {
            // The run's grain may be on a silo that just died: asked again until the cluster has moved it (it notices within seconds).
            var settings = new ClusterRunSettings { ConcurrencyPerSilo = options.Concurrency, CostCeiling = options.CostCeiling };
            var asked = context.TimeProvider.GetUtcNow();
            ClusterRunStatus? started;
            while ((started = await TryAsync(() => cluster.StartRunAsync(runId, settings)).ConfigureAwait(false)) is null)
            {
                if (context.TimeProvider.GetUtcNow() - asked > Patience)
                {
                    throw new UserException($"The cluster did not take run {runId} within {Patience.TotalSeconds:0} s; 'crosstalk cluster status' shows its silos.");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), context.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            var status = started;
            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "Handed to the cluster: {0} silo(s), up to {1} conversations at once on each. Ctrl+C stops the run on every silo; closing this terminal does not ([bold]crosstalk resume {2} --cluster[/] follows it again).",
                status.Silos,
                status.ConcurrencyPerSilo,
                TerminalText.Escape(runId));

            var total = (int)await store.CountConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false);
            var interactive = !options.Quiet && context.Console.Profile.Capabilities.Interactive;
            var display = new BatchDisplay(context.Console, context.TimeProvider, interactive, options.Quiet ? TimeSpan.Zero : options.LineInterval);
            var progress = new BatchProgress(context.TimeProvider, runId, total);
            var follower = new RunFollower(store, runId, progress, context.TimeProvider);
            string? problem = null;
            var stopAsked = false;
            await display.ShowAsync(progress, async () =>
            {
                var reachedAt = context.TimeProvider.GetUtcNow();
                while (true)
                {
                    if (cancellationToken.IsCancellationRequested && !stopAsked)
                    {
                        stopAsked = true;
                        await TryAsync(() => cluster.StopRunAsync(runId)).ConfigureAwait(false);
                    }

                    try
                    {
                        await follower.PollAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (TranscriptStoreException ex)
                    {
                        problem = $"error: {ex.Message}";
                        return;
                    }

                    if (follower.Unfinished == 0 && !stopAsked)
                    {
                        // Complete, as the store says: every conversation stopped (the run grain sees the same at its next look).
                        status = status with { State = ClusterRunStates.Complete, Running = 0 };
                        return;
                    }

                    if (await TryAsync(() => cluster.GetRunStatusAsync(runId)).ConfigureAwait(false) is { } now)
                    {
                        status = now;
                        reachedAt = context.TimeProvider.GetUtcNow();
                        if (now.Ended)
                        {
                            await follower.PollAsync(CancellationToken.None).ConfigureAwait(false);
                            return;
                        }
                    }
                    else if (context.TimeProvider.GetUtcNow() - reachedAt > Patience)
                    {
                        problem = $"error: no silo of the cluster has answered for {Patience.TotalSeconds:0} s.";
                        return;
                    }

                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(500), context.TimeProvider, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Ctrl+C: the next turn asks the cluster to stop and follows until it has.
                    }
                }
            }).ConfigureAwait(false);

            if (problem is not null)
            {
                await context.Error.WriteLineAsync(problem).ConfigureAwait(false);
                context.Console.MarkupLine($"The run goes on in the cluster as far as it can. To follow it again: [bold]crosstalk resume {TerminalText.Escape(runId)} --cluster[/]");
                return ExitCodes.UserError;
            }

            var outcome = new RunOutcome(runId, follower.Unfinished, stopAsked, status.State == ClusterRunStates.CostCeiling, null, 0);
            return await BatchSession.ReportAsync(context, store, outcome, total, options, $"ran on the cluster ({status.Silos} silo(s))", " --cluster").ConfigureAwait(false);
        }
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException or InvalidOperationException)
        {
            // A silo went away mid-call; the client moves to another gateway, and the next turn asks again.
            return null;
        }
    }
}
