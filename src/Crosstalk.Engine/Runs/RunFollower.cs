using Crosstalk.Conversations;
using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Plans;
using Crosstalk.Stopping;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Runs;

/// <summary>
/// Follows a run that other processes are running (a cluster's silos) by reading the store, and tells an observer what it
/// sees as if the run ran here: the conversations that were done before, each one that starts, each message stored, each
/// stop. The caller polls (<see cref="PollAsync"/>) as often as it wants to refresh; each poll reads the run's unfinished
/// conversations once, and the new messages of those that are running or just stopped.
/// </summary>
public sealed class RunFollower
{
    private readonly ITranscriptStore _store;
    private readonly string _runId;
    private readonly RunObserver _observer;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, int> _seen = [];
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
                _seen[summary.Id] = summary.MessageCount;
                _titles[summary.Id] = summary.Title;
                if (summary.StopReason is null or StopReasons.Interrupted)
                {
                    _unfinished.Add(summary.Id);
                }
            }

            _started = true;
        }

        var now = _time.GetUtcNow();
        var leases = await _store.GetUnfinishedLeasesAsync(_runId, cancellationToken);
        var unfinished = leases.Select(l => l.Id).ToHashSet();
        Running = 0;
        foreach (var lease in leases)
        {
            if (lease.IsHeldAt(now))
            {
                Running++;
                await CatchUpAsync(lease.Id, stopped: false, cancellationToken);
            }
            else if (_announced.Remove(lease.Id))
            {
                // It was running and is not any more, yet unfinished: interrupted, or its runner died; it runs again later.
                await CatchUpAsync(lease.Id, stopped: false, cancellationToken, announce: false);
                _observer.ConversationAbandoned(lease.Id, "not running now");
            }
        }

        // Those that were unfinished and are no longer have stopped (their last messages are read with the stop).
        foreach (var id in _unfinished.Where(id => !unfinished.Contains(id)).Order())
        {
            await CatchUpAsync(id, stopped: true, cancellationToken);
        }

        _unfinished = unfinished;
    }

    private async Task CatchUpAsync(long id, bool stopped, CancellationToken cancellationToken, bool announce = true)
    {
        var seen = _seen.GetValueOrDefault(id);
        var announced = _announced.Contains(id);
        if (!announced && announce)
        {
            // Seen running for the first time since it (re)started: shown from its stored length.
            await AnnounceAsync(id, seen, cancellationToken);
        }

        // Messages are numbered from 1: those after the last one seen.
        foreach (var message in await _store.GetMessagesAsync(id, seen, cancellationToken))
        {
            seen++;
            _observer.ConversationEvent(id, new MessageCompleted(seen, message));
        }

        _seen[id] = seen;
        if (stopped)
        {
            _announced.Remove(id);
            if ((await _store.GetLiveStatusAsync(id, cancellationToken))?.Stop is { } stop)
            {
                _observer.ConversationStopped(id, stop);
            }
        }
    }

    private async Task AnnounceAsync(long id, int messages, CancellationToken cancellationToken)
    {
        int? limit = null;
        if (await _store.GetConversationSpecAsync(id, cancellationToken) is { } json)
        {
            try
            {
                limit = StopConditions.Parse(PlanJson.ReadConversation(json, $"Conversation {id}").StopPolicy).MessageLimit;
            }
            catch (Exception e) when (e is PlanException or FormatException or ArgumentException)
            {
                // A plan this version cannot read still runs elsewhere; it is shown without its limit.
            }
        }

        _observer.ConversationStarted(id, _titles.GetValueOrDefault(id) ?? $"Conversation {id}", messages, limit);
        _announced.Add(id);
    }
}
