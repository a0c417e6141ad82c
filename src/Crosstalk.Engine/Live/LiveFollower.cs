using System.Runtime.CompilerServices;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Live;

/// <summary>
/// Follows a conversation through the store, whichever process (or machine) runs it: stored messages as they are
/// stored, and the message in flight as its runner writes it (a few times a second; the follower's watch, renewed in the
/// store, tells the runner that someone is looking). A follower keeps only its cursor, so any number of viewers can
/// follow any number of conversations without memory growing.
/// </summary>
public sealed class LiveFollower
{
    private readonly ITranscriptStore _store;
    private readonly TimeProvider _time;

    public LiveFollower(ITranscriptStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How often the store is looked at.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a watch holds; renewed at a third of it while the follow goes on (the runner writes in-flight text only for watched conversations).</summary>
    public TimeSpan WatchFor { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The updates after <paramref name="from"/>, then new ones as they happen, until the conversation stops (the last update
    /// is <see cref="LiveStopped"/>) or <paramref name="cancellationToken"/> fires. Nothing when there is no such conversation.
    /// </summary>
    public async IAsyncEnumerable<LiveUpdate> FollowAsync(long conversationId, LiveCursor from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        var cursor = from;
        long watched = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (watched == 0 || _time.GetElapsedTime(watched) >= WatchFor / 3)
            {
                await _store.WatchAsync(conversationId, _time.GetUtcNow() + WatchFor, cancellationToken);
                watched = _time.GetTimestamp();
            }

            var status = await _store.GetLiveStatusAsync(conversationId, cancellationToken);
            if (status is null)
            {
                yield break;
            }

            if (status.MessageCount > cursor.Messages)
            {
                var messages = await _store.GetMessagesAsync(conversationId, cursor.Messages, cancellationToken);
                for (var i = 0; i < messages.Count; i++)
                {
                    var index = cursor.Messages + 1;
                    cursor = cursor.InFlightIndex > index ? cursor with { Messages = index } : new LiveCursor(index);
                    yield return new LiveMessageStored(cursor, index, messages[i]);
                }
            }

            // Running: no stop yet, or an interrupted conversation that a resume holds again.
            var running = status.Stop is null || (status.Stop.Reason == StopReasons.Interrupted && status.Lease.IsHeldAt(_time.GetUtcNow()));
            if (!running && status.MessageCount <= cursor.Messages)
            {
                yield return new LiveStopped(cursor, status.Stop!);
                yield break;
            }

            if (running && status.InFlight is { Text: { } text } inFlight && inFlight.Index > cursor.Messages && status.Lease.IsHeldAt(_time.GetUtcNow()))
            {
                if (inFlight.Index != cursor.InFlightIndex)
                {
                    cursor = cursor with { InFlightIndex = inFlight.Index, InFlightLength = 0 };
                    yield return new LiveMessageStarted(cursor, inFlight.Index, inFlight.Seat, inFlight.Speaker);
                }
                else if (text.Length < cursor.InFlightLength)
                {
                    cursor = cursor with { InFlightLength = 0 };
                    yield return new LiveMessageRestarted(cursor, inFlight.Index);
                }

                if (text.Length > cursor.InFlightLength)
                {
                    var added = text[cursor.InFlightLength..];
                    cursor = cursor with { InFlightLength = text.Length };
                    yield return new LiveTextAppended(cursor, inFlight.Index, added);
                }
            }

            try
            {
                await Task.Delay(Interval, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
