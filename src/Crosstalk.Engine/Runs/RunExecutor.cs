using Crosstalk.Engine.Budgets;
using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;

namespace Crosstalk.Engine.Runs;

/// <summary>
/// Runs the unfinished conversations of a run, many at once, each through the executor. Any number of processes may run
/// the same run: each takes the conversations nobody holds, and when only others' remain, waits for them — taking over
/// those whose owner died. A session ends when the run is complete, on Ctrl+C, when the run's cost ceiling (read from the
/// store, so it holds across processes) is reached, or when the store fails.
/// </summary>
public sealed class RunExecutor
{
    private readonly ITranscriptStore _store;
    private readonly ConversationExecutor _conversations;
    private readonly TimeProvider _time;
    private readonly TimeSpan _leaseDuration;

    internal RunExecutor(ITranscriptStore store, ConversationExecutor conversations, TimeProvider time, TimeSpan leaseDuration)
    {
        _store = store;
        _conversations = conversations;
        _time = time;
        _leaseDuration = leaseDuration;
    }

    /// <summary>The stored plan of a run.</summary>
    /// <exception cref="PlanException">There is no such run, or it was not planned (an import).</exception>
    public async Task<RunPlan> GetPlanAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await _store.GetRunAsync(runId, cancellationToken)
            ?? throw new PlanException($"There is no run '{runId}' in the {_store.Description}; 'crosstalk list' shows the runs.");
        return string.IsNullOrEmpty(run.SpecJson)
            ? throw new PlanException($"Run '{runId}' was not planned by a batch (an import), so there is nothing in it to run.")
            : PlanJson.ReadRun(run.SpecJson, $"Run '{runId}'");
    }

    /// <summary>Runs every unfinished conversation of the run this session can take, until the run is complete or the session ends.</summary>
    /// <exception cref="PlanException">The run cannot be run (see <see cref="GetPlanAsync"/>).</exception>
    /// <exception cref="TranscriptStoreException">The store failed before anything ran.</exception>
    public async Task<RunOutcome> RunAsync(string runId, RunOptions? options = null, RunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        options ??= new RunOptions();
        var plan = await GetPlanAsync(runId, cancellationToken);
        await CreateMissingConversationsAsync(runId, plan, cancellationToken);
        if (observer is not null)
        {
            await foreach (var summary in _store.ListConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken))
            {
                observer.Earlier(summary);
            }
        }

        var ceiling = options.CostCeiling ?? plan.CostCeiling;

        // Every reply is held to the ceiling (what the run spent before this session counts), so the run stops within one
        // reply's cost of it; conversations it stops stay resumable under a higher ceiling.
        var budget = ceiling is { } limit0 ? new LocalRunBudget(limit0, await SpentAsync(runId)) : null;
        var execution = new ExecutionOptions { Budget = budget };
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Concurrency ?? plan.Concurrency) };
        var wait = options.WaitInterval ?? TimeSpan.FromTicks(Math.Clamp(_leaseDuration.Ticks / 3, TimeSpan.TicksPerSecond / 4, TimeSpan.TicksPerSecond * 5));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ceilingReached = 0;
        var ranHere = 0;
        string? storeError = null;
        var tried = new HashSet<long>();

        while (!cancellationToken.IsCancellationRequested && storeError is null && Volatile.Read(ref ceilingReached) == 0)
        {
            IReadOnlyList<LeaseState> left;
            try
            {
                left = await _store.GetUnfinishedLeasesAsync(runId, cancellationToken);
            }
            catch (TranscriptStoreException ex)
            {
                storeError = ex.Message;
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (left.Count == 0)
            {
                break;
            }

            var now = _time.GetUtcNow();
            var free = left.Where(l => !l.IsHeldAt(now) || (l.Owner is { } owner && LeaseOwners.IsDeadOnThisMachine(owner))).ToList();

            // A conversation this session already ran that is still unfinished is one it could not finish (its lease was
            // lost, say); it is left for another session rather than tried again and again.
            free.RemoveAll(l => tried.Contains(l.Id));
            if (free.Count == 0)
            {
                if (!options.WaitForOthers || left.All(l => tried.Contains(l.Id)))
                {
                    break;
                }

                observer?.WaitingForOthers(left.Count);
                try
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            await Parallel.ForEachAsync(free, parallel, async (lease, _) =>
            {
                lock (tried)
                {
                    tried.Add(lease.Id);
                }

                if (stopping.IsCancellationRequested)
                {
                    observer?.ConversationSkipped(lease.Id, cancellationToken.IsCancellationRequested ? "interrupted" : "stopped");
                    return;
                }

                if (ceiling is { } limit && await SpentAsync(runId) >= limit)
                {
                    Interlocked.Exchange(ref ceilingReached, 1);
                    observer?.ConversationSkipped(lease.Id, "cost ceiling");
                    return;
                }

                ExecutionResult result;
                try
                {
                    result = await _conversations.ExecuteAsync(lease.Id, lease.Owner, observer, execution, stopping.Token);
                }
                catch (TranscriptStoreException ex)
                {
                    result = new ExecutionResult(ExecutionOutcome.StoreFailed, Detail: ex.Message);
                }

                switch (result.Outcome)
                {
                    case ExecutionOutcome.Stopped:
                        Interlocked.Increment(ref ranHere);
                        break;
                    case ExecutionOutcome.HeldElsewhere:
                        observer?.ConversationSkipped(lease.Id, "running elsewhere");
                        lock (tried)
                        {
                            // Someone else has it; if they die, it is free again and worth another try.
                            tried.Remove(lease.Id);
                        }

                        break;
                    case ExecutionOutcome.StoreFailed:
                        // The store is away: stop starting conversations; the running ones fail on their next write anyway.
                        Interlocked.CompareExchange(ref storeError, result.Detail, null);
                        await stopping.CancelAsync();
                        break;
                }
            });

            if (storeError is null && free.All(l => !tried.Contains(l.Id)))
            {
                // Every free one was taken by someone else first: look again after a pause.
                await DelayQuietlyAsync(wait, cancellationToken);
            }
        }

        var unfinished = -1;
        if (storeError is null)
        {
            try
            {
                unfinished = (await _store.GetUnfinishedConversationsAsync(runId, CancellationToken.None)).Count;
            }
            catch (TranscriptStoreException ex)
            {
                storeError = ex.Message;
            }
        }

        var ceilingHit = Volatile.Read(ref ceilingReached) == 1 || budget?.Exhausted == true;
        return new RunOutcome(runId, unfinished, cancellationToken.IsCancellationRequested, ceilingHit, storeError, ranHere);

        async Task<decimal> SpentAsync(string id) => (await _store.GetRunSummaryAsync(id, CancellationToken.None))?.TotalCost ?? 0m;
    }

    private async Task DelayQuietlyAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: the loop ends.
        }
    }

    /// <summary>A run stored by an earlier version lists its conversations; those not yet created (the process died while creating them) are created now.</summary>
    private async Task CreateMissingConversationsAsync(string runId, RunPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Conversations is not { Count: > 0 } planned)
        {
            return;
        }

        var existing = await _store.CountConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken);
        if (existing >= planned.Count)
        {
            return;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var transcript in _store.ReadTranscriptsAsync(new ConversationQuery { RunId = runId }, cancellationToken))
        {
            if (transcript.Metadata.TryGetValue(PlanMetadataKeys.Key, out var key))
            {
                keys.Add(key);
            }
        }

        var missing = new List<NewConversation>();
        foreach (var conversation in planned)
        {
            if (conversation.Key is { } key && keys.Contains(key))
            {
                continue;
            }

            var header = ConversationPlanner.Header(conversation);
            header.Metadata[PlanMetadataKeys.Experiment] = plan.Name;
            missing.Add(new NewConversation(header, PlanJson.Write(conversation)));
        }

        await _store.CreateConversationsAsync(runId, missing, cancellationToken);
    }
}
