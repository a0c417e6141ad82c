using System.Collections.Concurrent;
using System.Text;
using Crosstalk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crosstalk.Engine.Recording;

/// <summary>
/// Puts the message each running conversation of this process is writing into the store, as far as it has streamed, a
/// few times a second: every change since the last write, for every conversation that someone watches, in one
/// transaction. Viewers in any process (or on any machine, with PostgreSQL) follow it from there. A conversation nobody
/// watches costs one dictionary entry here and nothing in the store (a batch of 512 conversations would otherwise write
/// 2,000 rows a second for no one). Only the message in flight is kept, per conversation; it is dropped from memory
/// when the next one starts.
/// </summary>
internal sealed partial class LiveTextWriter : IAsyncDisposable
{
    private readonly ITranscriptStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private IReadOnlyCollection<long> _watched = [];
    private long _watchedRead;

    public LiveTextWriter(ITranscriptStore store, TimeProvider time, TimeSpan interval, ILogger? logger = null)
    {
        _store = store;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        Interval = interval;
        _loop = interval > TimeSpan.Zero ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    /// <summary>How often the changes are written.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How often the store is asked which conversations are watched.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A new message starts: its text is empty so far (the previous message's text, complete and stored, is trimmed).</summary>
    public void Start(long conversationId, int index, int seat, string speaker)
    {
        var entry = _entries.GetOrAdd(conversationId, static _ => new Entry());
        lock (entry)
        {
            entry.Index = index;
            entry.Seat = seat;
            entry.Speaker = speaker;
            entry.Text.Clear();
            entry.Text.Capacity = Math.Min(entry.Text.Capacity, 1024);
            entry.Removed = false;
            entry.Dirty = true;
        }
    }

    /// <summary>The message in flight grew.</summary>
    public void Append(long conversationId, string text)
    {
        if (_entries.TryGetValue(conversationId, out var entry))
        {
            lock (entry)
            {
                entry.Text.Append(text);
                entry.Dirty = true;
            }
        }
    }

    /// <summary>The message in flight started over (a retry after part of it had streamed).</summary>
    public void Restart(long conversationId)
    {
        if (_entries.TryGetValue(conversationId, out var entry))
        {
            lock (entry)
            {
                entry.Text.Clear();
                entry.Dirty = true;
            }
        }
    }

    /// <summary>The conversation stopped here: its live row goes.</summary>
    public void Remove(long conversationId)
    {
        if (_entries.TryGetValue(conversationId, out var entry))
        {
            lock (entry)
            {
                entry.Removed = true;
                entry.Dirty = true;
            }
        }
    }

    /// <summary>Writes every change of a watched conversation now (also called by the loop).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_entries.IsEmpty)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_time.GetElapsedTime(Interlocked.Read(ref _watchedRead)) >= WatchInterval || _watchedRead == 0)
        {
            _watched = await _store.GetWatchedAsync(now, cancellationToken);
            Interlocked.Exchange(ref _watchedRead, _time.GetTimestamp());
        }

        var watched = _watched;
        var updates = new List<LiveText>();
        foreach (var (id, entry) in _entries)
        {
            lock (entry)
            {
                if (!entry.Dirty)
                {
                    continue;
                }

                if (!watched.Contains(id))
                {
                    // Kept dirty, so it is written as soon as someone starts watching; a stop needs no write (the
                    // stored stop clears the row), only forgetting.
                    if (entry.Removed)
                    {
                        _entries.TryRemove(new KeyValuePair<long, Entry>(id, entry));
                    }

                    continue;
                }

                entry.Dirty = false;
                updates.Add(new LiveText(id, entry.Index, entry.Seat, entry.Speaker, entry.Removed ? null : entry.Text.ToString(), now));
                if (entry.Removed)
                {
                    _entries.TryRemove(new KeyValuePair<long, Entry>(id, entry));
                }
            }
        }

        if (updates.Count > 0)
        {
            await _store.WriteLiveAsync(updates, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (TranscriptStoreException ex)
        {
            LogFlushFailed(_logger, ex.Message);
        }
        catch (ObjectDisposedException)
        {
            // A host disposed the store first (a container disposes what it made in reverse order): nothing to write to.
        }

        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await FlushAsync(_stopping.Token);
                }
                catch (TranscriptStoreException ex)
                {
                    // Live text is for watching; a store that fails here fails the messages' own writes too, and those say so.
                    LogFlushFailed(_logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live text not written: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string reason);

    private sealed class Entry
    {
        public int Index { get; set; }

        public int Seat { get; set; }

        public string Speaker { get; set; } = string.Empty;

        public StringBuilder Text { get; } = new();

        public bool Dirty { get; set; }

        public bool Removed { get; set; }
    }
}
