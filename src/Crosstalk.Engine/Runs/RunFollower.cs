using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Plans;
using Crosstalk.Stopping;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Runs;

/// <summary>
/// Follows a run that other processes are running (a cluster's silos) by reading the store, and tells an observer what it
/// sees: the conversations that were done before, each one that starts running, how many messages each running one has,
/// each stop, and the run's totals. Each poll costs a handful of queries however large the run: its unfinished
/// conversations, the running ones with their lengths, the totals, and one read per conversation that stopped since.
/// </summary>
public sealed class RunFollower
{
    private readonly ITranscriptStore _store;
    private readonly string _runId;
    private readonly RunObserver _observer;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, string> _titles = [];
    private readonly HashSet<long> _announced = [];
    private HashSet<long> _unfinished = [];
    private bool _started;

    public RunFollower(ITranscriptStore store, string runId, RunObserver observer, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(observer);
        _store = store;
        _runId = runId;
        _observer = observer;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many of the run's conversations were unfinished at the last poll.</summary>
    public int Unfinished => _unfinished.Count;

    /// <summary>How many were running (held by a live lease) at the last poll.</summary>
    public int Running { get; private set; }

    /// <summary>Reads what changed since the last poll and tells the observer; the first poll reports what was done before.</summary>
    /// <exception cref="TranscriptStoreException">The store failed.</exception>
    public async Task PollAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            await foreach (var summary in _store.ListConversationsAsync(new ConversationQuery { RunId = _runId }, cancellationToken))
            {
                _observer.Earlier(summary);
                _titles[summary.Id] = summary.Title;
                if (summary.StopReason is null or StopReasons.Interrupted)
                {
                    _unfinished.Add(summary.Id);
                }
            }

            _started = true;
        }

        var unfinished = (await _store.GetUnfinishedLeasesAsync(_runId, cancellationToken)).Select(l => l.Id).ToHashSet();
        var running = (await _store.GetRunningLeasesAsync(_time.GetUtcNow(), cancellationToken)).Where(r => r.RunId == _runId).ToList();
        Running = running.Count;
        foreach (var lease in running)
        {
            if (_announced.Add(lease.Id))
            {
                _observer.ConversationStarted(lease.Id, Title(lease.Id), lease.MessageCount, await MessageLimitAsync(lease.Id, cancellationToken));
            }

            _observer.ConversationProgress(lease.Id, lease.MessageCount);
        }

        var runningIds = running.Select(r => r.Id).ToHashSet();
        foreach (var id in _announced.Where(id => !runningIds.Contains(id) && unfinished.Contains(id)).ToList())
        {
            // Running before, not now, yet unfinished: interrupted, or its runner died; it runs again later.
            _announced.Remove(id);
            _observer.ConversationAbandoned(id, "not running now");
        }

        // Those that were unfinished and are not any more have stopped.
        foreach (var id in _unfinished.Where(id => !unfinished.Contains(id)).Order())
        {
            if (await _store.GetLiveStatusAsync(id, cancellationToken) is { Stop: { } stop } status)
            {
                if (!_announced.Contains(id))
                {
                    _observer.ConversationStarted(id, Title(id), status.MessageCount, null);
                }

                _observer.ConversationProgress(id, status.MessageCount);
                _observer.ConversationStopped(id, stop);
            }

            _announced.Remove(id);
        }

        _unfinished = unfinished;
        if (await _store.GetRunSummaryAsync(_runId, cancellationToken) is { } totals)
        {
            _observer.Totals(totals);
        }
    }

    private string Title(long id) => _titles.GetValueOrDefault(id) ?? $"Conversation {id}";

    private async Task<int?> MessageLimitAsync(long id, CancellationToken cancellationToken)
    {
        if (await _store.GetConversationSpecAsync(id, cancellationToken) is not { } json)
        {
            return null;
        }

        try
        {
            return StopConditions.Parse(PlanJson.ReadConversation(json, $"Conversation {id}").StopPolicy).MessageLimit;
        }
        catch (Exception e) when (e is PlanException or FormatException or ArgumentException)
        {
            // A plan this version cannot read still runs elsewhere; it is shown without its limit.
            return null;
        }
    }
}
