using System.Collections.Concurrent;
using Crosstalk.Conversations;
using Crosstalk.Engine.Execution;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Running totals of a batch, updated by the engine as it runs the conversations (it observes the run) and sampled by
/// the display; every member is safe to use from many threads. Display state only: the run's cost ceiling is read from
/// the store by the engine, never from here.
/// </summary>
internal sealed class BatchProgress : RunObserver
{
    private readonly ConcurrentDictionary<long, LiveConversation> _running = new();
    private readonly ConcurrentDictionary<string, int> _stopReasons = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _warnings = new();
    private readonly Lock _costLock = new();
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private int _finished;
    private int _skipped;
    private int _elsewhere;
    private long _messages;
    private long _messagesThisSession;
    private long _tokens;
    private decimal _cost;
    private long? _messagesBeforeFollowing;

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

    /// <summary>Conversations left that another process is running, when this one waits for them.</summary>
    public int Elsewhere => Volatile.Read(ref _elsewhere);

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

    /// <summary>What the engine warned of, one line per warning ("conversation 12: …"), in the order it came.</summary>
    public IReadOnlyCollection<string> Warnings => [.. _warnings];

    public IReadOnlyDictionary<string, int> StopReasons => new SortedDictionary<string, int>(_stopReasons, StringComparer.Ordinal);

    /// <summary>Counts what was already done before this process started (a resume).</summary>
    public override void Earlier(ConversationSummary conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        Interlocked.Add(ref _messages, conversation.MessageCount);
        Interlocked.Add(ref _tokens, conversation.TotalTokens);
        AddCost(conversation.TotalCost);
        if (conversation.StopReason is { } stopReason && stopReason != Transcripts.StopReasons.Interrupted)
        {
            Interlocked.Increment(ref _finished);
            _stopReasons.AddOrUpdate(stopReason, 1, (_, n) => n + 1);
        }
    }

    public override void ConversationStarted(long conversationId, string title, int messages, int? messageLimit)
    {
        Volatile.Write(ref _elsewhere, 0);
        _running[conversationId] = new LiveConversation(conversationId, title, messageLimit ?? Math.Max(messages, 1), messages);
    }

    public override void ConversationEvent(long conversationId, ConversationEvent conversationEvent)
    {
        if (!_running.TryGetValue(conversationId, out var live))
        {
            return;
        }

        switch (conversationEvent)
        {
            case MessageStarted started:
                live.Start(started.Index, started.Speaker);
                break;
            case TextDelta delta:
                live.Append(delta.Text);
                break;
            case MessageCompleted completed:
                live.Complete(completed.Index, completed.Message.Content);
                Interlocked.Increment(ref _messages);
                Interlocked.Increment(ref _messagesThisSession);
                if (completed.Message.Usage is { } usage)
                {
                    Interlocked.Add(ref _tokens, usage.TotalTokens);
                }

                AddCost(completed.Message.Cost);
                break;
        }
    }

    public override void ConversationStopped(long conversationId, StopInfo stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        _running.TryRemove(conversationId, out _);
        if (stop.Reason == Transcripts.StopReasons.Interrupted)
        {
            return;
        }

        Interlocked.Increment(ref _finished);
        _stopReasons.AddOrUpdate(stop.Reason, 1, (_, n) => n + 1);
    }

    /// <summary>Following a run that runs elsewhere: the running conversation's stored length.</summary>
    public override void ConversationProgress(long conversationId, int messages)
    {
        if (_running.TryGetValue(conversationId, out var live))
        {
            live.Progress(messages);
        }
    }

    /// <summary>Following a run that runs elsewhere: the store's totals replace what events would have added up.</summary>
    public override void Totals(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _messagesBeforeFollowing ??= Interlocked.Read(ref _messages);
        Interlocked.Exchange(ref _messages, run.Messages);
        Interlocked.Exchange(ref _messagesThisSession, Math.Max(0, run.Messages - _messagesBeforeFollowing.Value));
        Interlocked.Exchange(ref _tokens, run.TotalTokens);
        lock (_costLock)
        {
            _cost = run.TotalCost ?? 0m;
        }
    }

    /// <summary>A conversation that ended without a stored stop (store failure, lease lost): it stays resumable.</summary>
    public override void ConversationAbandoned(long conversationId, string reason) => _running.TryRemove(conversationId, out _);

    public override void ConversationSkipped(long conversationId, string reason) => Interlocked.Increment(ref _skipped);

    public override void WaitingForOthers(int conversations) => Volatile.Write(ref _elsewhere, conversations);

    public override void Warning(long conversationId, string message) =>
        _warnings.Enqueue(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"conversation {conversationId}: {message}"));

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
