using System.Collections.Concurrent;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Running totals of a batch, updated by the conversations' tasks and sampled by the display; every member is
/// safe to use from many threads.
/// </summary>
internal sealed class BatchProgress
{
    private readonly ConcurrentDictionary<long, LiveConversation> _running = new();
    private readonly ConcurrentDictionary<string, int> _stopReasons = new(StringComparer.Ordinal);
    private readonly Lock _costLock = new();
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private int _finished;
    private int _skipped;
    private long _messages;
    private long _messagesThisSession;
    private long _tokens;
    private decimal _cost;

    public BatchProgress(TimeProvider time, string runId, int total)
    {
        _time = time;
        RunId = runId;
        Total = total;
        _startTimestamp = time.GetTimestamp();
    }

    public string RunId { get; }

    public int Total { get; }

    public int Finished => Volatile.Read(ref _finished);

    public int Skipped => Volatile.Read(ref _skipped);

    public long Messages => Interlocked.Read(ref _messages);

    public long MessagesThisSession => Interlocked.Read(ref _messagesThisSession);

    public long Tokens => Interlocked.Read(ref _tokens);

    public decimal Cost
    {
        get
        {
            lock (_costLock)
            {
                return _cost;
            }
        }
    }

    public TimeSpan Elapsed => _time.GetElapsedTime(_startTimestamp);

    public IReadOnlyCollection<LiveConversation> Running => [.. _running.Values.OrderBy(c => c.Id)];

    public IReadOnlyDictionary<string, int> StopReasons => new SortedDictionary<string, int>(_stopReasons, StringComparer.Ordinal);

    /// <summary>Counts what was already done before this process started (a resume).</summary>
    public void AddEarlier(int messages, long tokens, decimal? cost, string? stopReason)
    {
        Interlocked.Add(ref _messages, messages);
        Interlocked.Add(ref _tokens, tokens);
        AddCost(cost);
        if (stopReason is not null && stopReason != Transcripts.StopReasons.Interrupted)
        {
            Interlocked.Increment(ref _finished);
            _stopReasons.AddOrUpdate(stopReason, 1, (_, n) => n + 1);
        }
    }

    public LiveConversation Started(long id, string pair, int maxMessages, int messages)
    {
        var live = new LiveConversation(id, pair, maxMessages, messages);
        _running[id] = live;
        return live;
    }

    public void MessageCompleted(LiveConversation live, int index, TranscriptMessage message)
    {
        live.Complete(index, message.Content);
        Interlocked.Increment(ref _messages);
        Interlocked.Increment(ref _messagesThisSession);
        if (message.Usage is { } usage)
        {
            Interlocked.Add(ref _tokens, usage.TotalTokens);
        }

        AddCost(message.Cost);
    }

    public void Stopped(LiveConversation live, StopInfo stop)
    {
        _running.TryRemove(live.Id, out _);
        if (stop.Reason == Transcripts.StopReasons.Interrupted)
        {
            return;
        }

        Interlocked.Increment(ref _finished);
        _stopReasons.AddOrUpdate(stop.Reason, 1, (_, n) => n + 1);
    }

    /// <summary>A conversation that ended without a stop (store failure): it stays resumable.</summary>
    public void Abandoned(LiveConversation live) => _running.TryRemove(live.Id, out _);

    public void Skip() => Interlocked.Increment(ref _skipped);

    /// <summary>Done conversations plus the running ones' share of their message cap, over the total.</summary>
    public double Fraction
    {
        get
        {
            if (Total == 0)
            {
                return 1;
            }

            var partial = 0.0;
            foreach (var live in _running.Values)
            {
                partial += Math.Min(1.0, live.Messages / (double)Math.Max(1, live.MaxMessages));
            }

            return Math.Min(1.0, (Finished + partial) / Total);
        }
    }

    /// <summary>Remaining time at this session's pace; null until there is a pace.</summary>
    public TimeSpan? Eta(double startFraction)
    {
        var fraction = Fraction;
        var done = fraction - startFraction;
        if (done <= 0.0001)
        {
            return null;
        }

        var seconds = Elapsed.TotalSeconds * (1 - fraction) / done;
        return seconds is double.NaN or double.PositiveInfinity ? null : TimeSpan.FromSeconds(Math.Max(0, seconds));
    }

    private void AddCost(decimal? cost)
    {
        if (cost is { } value)
        {
            lock (_costLock)
            {
                _cost += value;
            }
        }
    }
}
