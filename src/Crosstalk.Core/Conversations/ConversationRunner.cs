using System.Runtime.CompilerServices;
using Crosstalk.Stopping;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Conversations;

/// <summary>
/// Runs one conversation: seats speak in round robin, each seeing the history from its own side, until the stop
/// policy, an error or cancellation ends it. Everything is reported as events; nothing is written to disk.
/// </summary>
/// <remarks>
/// <para>
/// Each seat's view holds its system prompt, its own messages as <c>assistant</c> and everyone else's as
/// <c>user</c> (prefixed with the speaker's name when more than two seats talk). Reasoning never enters any
/// view. Views grow by one message per turn; they are never rebuilt.
/// </para>
/// <para>
/// Cancellation and client errors do not throw to the consumer: the conversation stops with reason
/// <c>interrupted</c> or <c>error</c>, keeping every completed message and dropping the one in flight.
/// </para>
/// </remarks>
public sealed class ConversationRunner
{
    private const string EmptyAttemptError = "The reply was empty.";

    private readonly ConversationSpec _spec;
    private readonly IChatClient[] _clients;
    private readonly TimeProvider _time;
    private readonly List<TranscriptMessage> _messages = [];
    private readonly List<ChatMessage>[] _views;
    private readonly ReplyReader _reply;
    private readonly List<ConversationEvent> _events = [];
    private int _started;

    /// <summary>Creates a runner for <paramref name="spec"/>, with one client per seat, in seat order.</summary>
    /// <param name="spec">The conversation to run.</param>
    /// <param name="clients">The client answering for each seat; <c>clients[0]</c> is seat 1.</param>
    /// <param name="timeProvider">The clock for timestamps, latencies and time limits; the system clock by default.</param>
    public ConversationRunner(ConversationSpec spec, IReadOnlyList<IChatClient> clients, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(spec.Seats);
        ArgumentNullException.ThrowIfNull(spec.Stop);
        if (spec.Seats.Count < 2)
        {
            throw new ArgumentException($"A conversation needs at least two seats; this one has {spec.Seats.Count}.", nameof(spec));
        }

        if (clients.Count != spec.Seats.Count)
        {
            throw new ArgumentException($"There are {spec.Seats.Count} seats but {clients.Count} chat clients; give one client per seat.", nameof(clients));
        }

        if (spec.FirstSeat < 1 || spec.FirstSeat > spec.Seats.Count)
        {
            throw new ArgumentException($"The first seat is {spec.FirstSeat}, but seats are numbered 1 to {spec.Seats.Count}.", nameof(spec));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(spec.EndToken, nameof(spec));

        _spec = spec;
        _clients = new IChatClient[clients.Count];
        for (var i = 0; i < clients.Count; i++)
        {
            _clients[i] = clients[i] ?? throw new ArgumentException($"The chat client for seat {i + 1} is null.", nameof(clients));
        }

        _time = timeProvider ?? TimeProvider.System;
        _reply = new ReplyReader(_time);
        _views = new List<ChatMessage>[spec.Seats.Count];
        var participants = new List<Participant>(spec.Seats.Count);
        for (var i = 0; i < spec.Seats.Count; i++)
        {
            var seat = spec.Seats[i] ?? throw new ArgumentException($"Seat {i + 1} is null.", nameof(spec));
            ArgumentException.ThrowIfNullOrWhiteSpace(seat.Name, nameof(spec));
            participants.Add(new Participant(i + 1, seat.Name, seat.Model, seat.SystemPrompt));
            _views[i] = [];
            if (!string.IsNullOrEmpty(seat.SystemPrompt))
            {
                _views[i].Add(new ChatMessage(ChatRole.System, seat.SystemPrompt));
            }
        }

        Transcript = new Transcript
        {
            Title = spec.Title ?? Transcript.TitleFor(participants),
            Participants = participants,
            Messages = _messages,
        };
    }

    /// <summary>The transcript being built: it gains each message as it completes, and its stop and end time last.</summary>
    public Transcript Transcript { get; }

    /// <summary>
    /// Runs the conversation, yielding its events in order and ending with <see cref="ConversationStopped"/>.
    /// A runner runs once.
    /// </summary>
    /// <param name="resumeFrom">
    /// A transcript of this conversation to continue after its last message; its messages are not re-emitted.
    /// </param>
    /// <param name="cancellationToken">Stops the conversation with reason <c>interrupted</c>; completed messages are kept.</param>
    public async IAsyncEnumerable<ConversationEvent> RunAsync(
        Transcript? resumeFrom = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("This runner has already run its conversation; create a new runner to run it again.");
        }

        var seats = _spec.Seats;
        var seatCount = seats.Count;
        var state = new ConversationState(_messages, seatCount, _spec.EndToken, _spec.Opener is not null);
        var start = _time.GetTimestamp();
        StopInfo? stop = null;
        int next;

        if (resumeFrom is { Messages.Count: > 0 })
        {
            foreach (var message in resumeFrom.Messages)
            {
                if (message.Seat < 1 || message.Seat > seatCount)
                {
                    throw new ArgumentException($"The transcript to resume has a message from seat {message.Seat}, but this conversation has seats 1 to {seatCount}.", nameof(resumeFrom));
                }

                state.Add(message);
                AppendToViews(message);

                // A process killed after storing a message but before recording the stop it caused must not add a
                // message on resume: the stop is decided again, message by message, exactly as it was the first time.
                // A fork's copied messages are not: their stops were the parent's.
                if (stop is null && state.Messages.Count > _spec.ForkedAt)
                {
                    var index = state.Messages.Count;
                    var isOpener = index == 1 && _spec.Opener is not null;
                    stop = !isOpener && string.IsNullOrWhiteSpace(message.Content) && _spec.EmptyReplyPolicy == EmptyReplyPolicy.RetryThenStop
                        ? new StopInfo(StopReasons.EmptyReply, message.Seat, index, $"{message.Speaker} replied with nothing, twice.")
                        : _spec.Stop.Check(state);
                }
            }

            Transcript.Started = resumeFrom.Started ?? _time.GetLocalNow();
            foreach (var (key, value) in resumeFrom.Metadata)
            {
                Transcript.Metadata[key] = value;
            }

            next = TurnOrder.SeatAfter(resumeFrom.Messages[^1].Seat, seatCount);
        }
        else
        {
            Transcript.Started = _time.GetLocalNow();
            next = _spec.FirstSeat;
            if (_spec.Opener is { } openerText)
            {
                var opener = new TranscriptMessage
                {
                    Seat = next,
                    Speaker = seats[next - 1].Name,
                    Content = openerText,
                    Timestamp = _time.GetLocalNow(),
                    SentAs = SentAsFor(next, openerText),
                };
                yield return new MessageStarted(1, next, opener.Speaker);
                state.Add(opener);
                AppendToViews(opener);
                yield return new MessageCompleted(1, opener);
                state.Elapsed = _time.GetElapsedTime(start);
                stop = _spec.Stop.Check(state);
                next = TurnOrder.SeatAfter(next, seatCount);
            }
        }

        while (stop is null)
        {
            var seat = next;
            var index = _messages.Count + 1;
            var seatSpec = seats[seat - 1];
            if (cancellationToken.IsCancellationRequested)
            {
                stop = Interrupted(seat, seatSpec.Name, index);
                break;
            }

            yield return new MessageStarted(index, seat, seatSpec.Name);

            _reply.Begin();

            var content = string.Empty;
            var empty = false;
            for (var attempt = 1; ; attempt++)
            {
                _reply.BeginAttempt();
                var attemptStarted = _time.GetTimestamp();
                IAsyncEnumerator<ChatResponseUpdate>? updates = null;
                try
                {
                    updates = _clients[seat - 1]
                        .GetStreamingResponseAsync(_views[seat - 1], seatSpec.Options, cancellationToken)
                        .GetAsyncEnumerator(cancellationToken);
                }
                catch (Exception ex)
                {
                    stop = Failed(ex, seat, seatSpec.Name, index, cancellationToken);
                }

                if (updates is not null)
                {
                    try
                    {
                        while (true)
                        {
                            bool moved;
                            try
                            {
                                moved = await updates.MoveNextAsync();
                            }
                            catch (Exception ex)
                            {
                                stop = Failed(ex, seat, seatSpec.Name, index, cancellationToken);
                                break;
                            }

                            if (!moved)
                            {
                                break;
                            }

                            _reply.Read(updates.Current, index, seat, _events);
                            for (var i = 0; i < _events.Count; i++)
                            {
                                yield return _events[i];
                            }

                            _events.Clear();
                        }
                    }
                    finally
                    {
                        await updates.DisposeAsync();
                    }
                }

                if (stop is not null)
                {
                    break;
                }

                _reply.Complete(index, seat, _events);
                for (var i = 0; i < _events.Count; i++)
                {
                    yield return _events[i];
                }

                _events.Clear();
                content = _reply.Content;
                if (!string.IsNullOrWhiteSpace(content) || attempt == 2)
                {
                    empty = string.IsNullOrWhiteSpace(content);
                    break;
                }

                _reply.AddAttempt(new Attempt(_reply.Attempts.Count + 1, EmptyAttemptError, Duration: _time.GetElapsedTime(attemptStarted)));
            }

            if (stop is not null)
            {
                break;
            }

            var completed = _reply.ToMessage(seat, seatSpec.Name, empty ? SentAsFor(seat, content) : null);
            state.Add(completed);
            AppendToViews(completed);
            yield return new MessageCompleted(index, completed);

            if (empty && _spec.EmptyReplyPolicy == EmptyReplyPolicy.RetryThenStop)
            {
                stop = new StopInfo(StopReasons.EmptyReply, seat, index, $"{seatSpec.Name} replied with nothing, twice.");
                break;
            }

            state.Elapsed = _time.GetElapsedTime(start);
            stop = _spec.Stop.Check(state);
            next = TurnOrder.SeatAfter(seat, seatCount);
        }

        Transcript.Stop = stop;
        Transcript.Ended = _time.GetLocalNow();
        yield return new ConversationStopped(stop, Transcript);
    }

    private static StopInfo Interrupted(int seat, string name, int index) =>
        new(StopReasons.Interrupted, seat, null, $"Interrupted while waiting for {name}'s message {index}.");

    private StopInfo Failed(Exception exception, int seat, string name, int index, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return Interrupted(seat, name, index);
        }

        if (exception is ConversationStopException stop)
        {
            return stop.Stop with { Seat = stop.Stop.Seat ?? seat };
        }

        var text = exception.Message.AsSpan().Trim();
        var lineBreak = text.IndexOfAny('\r', '\n');
        var sentence = (lineBreak >= 0 ? text[..lineBreak] : text).ToString();
        // Every attempt made for the message, the last included: the provider's own list when it gave one.
        var attempts = exception is IFailedAttempts { Attempts.Count: > 0 } failed ? failed.Attempts : _reply.Attempts.ToList();
        return new StopInfo(StopReasons.Error, seat, null, $"{name} failed on message {index}: {sentence}")
        {
            Attempts = attempts,
        };
    }

    private string? SentAsFor(int speaker, string content)
    {
        if (!string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        for (var offset = 1; offset < _spec.Seats.Count; offset++)
        {
            var seat = ((speaker - 1 + offset) % _spec.Seats.Count) + 1;
            if (_spec.Seats[seat - 1].BlankMessageReplacement is { } replacement)
            {
                return replacement;
            }
        }

        return null;
    }

    private void AppendToViews(TranscriptMessage message)
    {
        var seatCount = _views.Length;
        ChatMessage? shared = null;
        for (var seat = 1; seat <= seatCount; seat++)
        {
            var replacement = _spec.Seats[seat - 1].BlankMessageReplacement;
            var replaced = SeatView.IsReplaced(message, replacement);

            // Every seat that sees the message as the same user text shares one instance (the provider adapters keep their
            // conversion of it from one request to the next).
            if (seat != message.Seat && !replaced && shared is not null)
            {
                _views[seat - 1].Add(shared);
                continue;
            }

            var chat = SeatView.Message(message, seat, seatCount, replacement);
            if (seat != message.Seat && !replaced)
            {
                shared = chat;
            }

            _views[seat - 1].Add(chat);
        }
    }
}
