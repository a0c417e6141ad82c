using System.Threading.Tasks.Sources;
using Crosstalk.Conversations;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Middleware;

internal sealed partial class ResilientChatClient
{
    // One streamed reply with its attempts. Written out rather than as an async iterator, because nearly every move is a
    // chunk of a healthy stream: for those, the ValueTask handed to the caller is backed by this enumerator, which passes
    // the caller's continuation straight on to the provider's stream (no state machine, no second continuation in
    // between) and looks at the outcome when the caller asks for it (GetResult). Everything else — the first attempt, the
    // wait after a failure, the next attempt — runs in an ordinary async method (MoveSlowlyAsync).
    private sealed class ResilientStream(
        ResilientChatClient owner, IReadOnlyList<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken)
        : IAsyncEnumerable<ChatResponseUpdate>
    {
        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken enumeratorToken = default)
        {
            // As the compiler does for [EnumeratorCancellation]: one token when there is one, else both linked.
            CancellationTokenSource? linked = null;
            var token = cancellationToken;
            if (!enumeratorToken.CanBeCanceled || enumeratorToken == cancellationToken)
            {
                token = cancellationToken;
            }
            else if (!cancellationToken.CanBeCanceled)
            {
                token = enumeratorToken;
            }
            else
            {
                linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorToken);
                token = linked.Token;
            }

            return new Enumerator(owner, history, options, token, linked);
        }
    }

    private sealed class Enumerator : IAsyncEnumerator<ChatResponseUpdate>, IValueTaskSource<bool>
    {
        private readonly ResilientChatClient _owner;
        private readonly IReadOnlyList<ChatMessage> _history;
        private readonly ChatOptions? _options;
        private readonly CancellationToken _cancellationToken;
        private readonly CancellationTokenSource? _linked;
        private readonly CallWatch _watch;
        private readonly Action _resume;
        private List<Attempt>? _attempts;
        private State _state = State.NextAttempt;
        private int _number;
        private long _started;
        private bool _produced;
        private bool _complete;
        private IAsyncEnumerator<ChatResponseUpdate>? _updates;
        private ChatResponseUpdate? _current;
        private Exception? _failure;
        private ValueTask<bool> _pending;
        private short _version;
        private Action<object?>? _continuation;
        private object? _continuationState;
        private List<Task>? _unfinished;

        public Enumerator(
            ResilientChatClient owner, IReadOnlyList<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken, CancellationTokenSource? linked)
        {
            _owner = owner;
            _history = history;
            _options = options;
            _cancellationToken = cancellationToken;
            _linked = linked;
            _watch = new CallWatch(owner._time, owner._options, cancellationToken);
            _resume = Resume;
        }

        private enum State
        {
            NextAttempt,
            Streaming,
            Failed,
            Done,
        }

        public ChatResponseUpdate Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true.");

        public ValueTask<bool> MoveNextAsync()
        {
            if (_state != State.Streaming)
            {
                return MoveSlowlyAsync();
            }

            _watch.Waiting();
            ValueTask<bool> next;
            try
            {
                next = _updates!.MoveNextAsync();
            }
            catch (Exception ex)
            {
                return Settle(false, ex);
            }

            if (next.IsCompleted)
            {
                return Settle(next);
            }

            _pending = next;
            return new ValueTask<bool>(this, _version);
        }

        public async ValueTask DisposeAsync()
        {
            _state = State.Done;
            try
            {
                await CloseAttemptAsync();
            }
            catch (Exception)
            {
                // The caller stopped reading, or the reply is already whole; there is nobody to tell.
            }

            if (_unfinished is { } unfinished)
            {
                await Task.WhenAll(unfinished).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            _watch.Dispose();
            _linked?.Dispose();
        }

        ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token)
        {
            Check(token);
            return _pending.IsCompleted ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Pending;
        }

        void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            Check(token);
            _continuation = continuation;
            _continuationState = state;

            // The caller's continuation waits on the provider's stream itself, with the caller's own scheduling and
            // execution-context choices.
            var onContext = (flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0;
            var flow = (flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0;
            switch ((onContext, flow))
            {
                case (true, true):
                    _pending.GetAwaiter().OnCompleted(_resume);
                    break;
                case (true, false):
                    _pending.GetAwaiter().UnsafeOnCompleted(_resume);
                    break;
                case (false, true):
                    _pending.ConfigureAwait(false).GetAwaiter().OnCompleted(_resume);
                    break;
                default:
                    _pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resume);
                    break;
            }
        }

        bool IValueTaskSource<bool>.GetResult(short token)
        {
            Check(token);
            var pending = _pending;
            _pending = default;
            _version++;
            bool moved;
            try
            {
                moved = pending.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                return Outcome(false, ex);
            }

            return Outcome(moved, null);
        }

        private void Check(short token)
        {
            if (token != _version)
            {
                throw new InvalidOperationException("A move of this stream was awaited twice, or after the next move started.");
            }
        }

        private void Resume()
        {
            var continuation = _continuation!;
            var state = _continuationState;
            _continuation = null;
            _continuationState = null;
            continuation(state);
        }

        private ValueTask<bool> Settle(ValueTask<bool> next)
        {
            bool moved;
            try
            {
                moved = next.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                return Settle(false, ex);
            }

            return Settle(moved, null);
        }

        private ValueTask<bool> Settle(bool moved, Exception? failure)
        {
            try
            {
                return new ValueTask<bool>(Outcome(moved, failure));
            }
            catch (Exception ex)
            {
                return ValueTask.FromException<bool>(ex);
            }
        }

        // What one move of the attempt under way means for the caller: an update, the end of a whole reply (false), or a
        // failed attempt, reported as an update of its own. Throws when there is nothing left to try (Classify).
        private bool Outcome(bool moved, Exception? failure)
        {
            if (moved && failure is null)
            {
                var update = _updates!.Current;
                _watch.Arrived();
                if (!_produced && HasText(update))
                {
                    _produced = true;
                }

                _complete |= update.FinishReason is not null;
                _current = update;
                return true;
            }

            _watch.EndAttempt();
            failure = _owner.Classify(failure, streamed: true, _complete, _produced, _watch, _attempts, _cancellationToken);
            Await(_owner._circuit.ReportAsync(failure));
            if (failure is null)
            {
                _state = State.Done;
                _current = null;
                return false;
            }

            var attempt = _owner.Record(_number, failure, _started);
            (_attempts ??= []).Add(attempt);
            var report = new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(attempt)]);
            if (_produced)
            {
                report.AdditionalProperties = new() { [ChatUpdateKeys.Restart] = true };
            }

            _failure = failure;
            _state = State.Failed;
            _current = report;
            return true;
        }

        // The moves that are not a chunk of a healthy stream: starting an attempt, and after a failure, waiting for the
        // next one.
        private async ValueTask<bool> MoveSlowlyAsync()
        {
            while (true)
            {
                switch (_state)
                {
                    case State.Done:
                        _current = null;
                        return false;

                    case State.Failed:
                        try
                        {
                            await CloseAttemptAsync();
                        }
                        catch (Exception)
                        {
                            // The attempt has failed already; how its stream ends changes nothing.
                        }

                        await _owner.WaitBeforeRetryAsync(_failure!, _number, _watch, _attempts!, _cancellationToken);
                        _state = State.NextAttempt;
                        break;

                    case State.NextAttempt:
                        _number++;
                        _started = _owner._time.GetTimestamp();
                        _produced = false;
                        _complete = false;
                        if (_owner._circuit.Rejects(out var closedFor))
                        {
                            // Not an attempt that ran: reported as failed, not counted by the circuit.
                            _failure = _owner.CircuitOpen(closedFor);
                            var attempt = _owner.Record(_number, _failure, _started);
                            (_attempts ??= []).Add(attempt);
                            _current = new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(attempt)]);
                            _state = State.Failed;
                            return true;
                        }

                        var token = _watch.StartAttempt(_owner._options.FirstTokenTimeout);
                        try
                        {
                            _updates = _owner.InnerClient.GetStreamingResponseAsync(_history, _options, token).GetAsyncEnumerator(token);
                        }
                        catch (Exception ex)
                        {
                            return Outcome(false, ex);
                        }

                        _state = State.Streaming;
                        break;

                    case State.Streaming:
                        _watch.Waiting();
                        bool moved;
                        try
                        {
                            moved = await _updates!.MoveNextAsync();
                        }
                        catch (Exception ex)
                        {
                            return Outcome(false, ex);
                        }

                        return Outcome(moved, null);
                }
            }
        }

        private async ValueTask CloseAttemptAsync()
        {
            if (_updates is { } updates)
            {
                _updates = null;
                await updates.DisposeAsync();
            }
        }

        // The circuit's bookkeeping completes at once in practice; should it not, it is waited for when the stream is
        // disposed rather than in the middle of a move.
        private void Await(ValueTask report)
        {
            if (report.IsCompletedSuccessfully)
            {
                report.GetAwaiter().GetResult();
                return;
            }

            (_unfinished ??= []).Add(report.AsTask());
        }
    }
}
