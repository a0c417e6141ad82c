using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Crosstalk.Conversations;
using Crosstalk.Models.Providers;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Retries a reply until it arrives whole: exponential backoff with jitter (or the provider's <c>retry-after</c>),
/// a bounded number of attempts, a bounded total time per message, a circuit breaker shared by every client of the
/// same endpoint, and per-attempt timeouts for a slow first token or a stalled stream.
/// </summary>
/// <remarks>
/// <para>Streaming contract: each failed attempt is reported as an update holding an <see cref="AttemptContent"/>. If that
/// attempt had already streamed text or reasoning, the update also carries
/// <c>AdditionalProperties[<see cref="ChatUpdateKeys.Restart"/>] = true</c>: the consumer must discard what it received
/// for the message, because the next updates belong to a new attempt that starts from the beginning. When every attempt
/// fails, a <see cref="ProviderException"/> with <see cref="ProviderException.Attempts"/> is thrown.</para>
/// <para>The attempt loop is written out here rather than run by a Polly retry pipeline: an attempt's updates are handed
/// to the caller while it runs, and keeping a Polly callback chain suspended across a whole reply cost allocations and
/// CPU on every call (see BENCHMARKS.md, provider overhead). The circuit breaker is Polly's (<see cref="EndpointCircuit"/>).
/// One timer per call watches the total time, the first token and the gaps between chunks.</para>
/// </remarks>
internal sealed partial class ResilientChatClient : DelegatingChatClient
{
    // Enough for every conversation of a large batch to have its call's watch waiting for it.
    private const int MaxSpareWatches = 256;

    private readonly ResilienceOptions _options;
    private readonly EndpointCircuit _circuit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly ConcurrentQueue<CallWatch> _spareWatches = new();
    private int _spareCount;
    private bool _disposed;

    public ResilientChatClient(
        IChatClient innerClient, ResilienceOptions options, EndpointCircuit circuit, string name, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(circuit);
        options.Validate();
        _options = options;
        _circuit = circuit;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _name = name;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        List<Attempt>? attempts = null;
        using var watch = RentWatch(cancellationToken);
        for (var number = 1; ; number++)
        {
            var started = _time.GetTimestamp();
            Exception? failure;
            if (_circuit.Rejects(out var closedFor))
            {
                failure = CircuitOpen(closedFor);
            }
            else
            {
                var token = watch.StartAttempt(_options.AttemptTimeout, streamed: false);
                ChatResponse? response = null;
                try
                {
                    response = await base.GetResponseAsync(history, options, token);
                    failure = null;
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                watch.EndAttempt();
                if (response is not null)
                {
                    await _circuit.ReportAsync(null);
                    AddAttempts(response, attempts);
                    return response;
                }

                failure = Classify(failure, streamed: false, complete: false, produced: false, watch, ref attempts, number, started, cancellationToken);
                await _circuit.ReportAsync(failure);
            }

            (attempts ??= []).Add(Record(number, failure!, started));
            await WaitBeforeRetryAsync(failure!, number, watch, attempts, cancellationToken);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        List<Attempt>? attempts = null;
        using var watch = RentWatch(cancellationToken);
        for (var number = 1; ; number++)
        {
            var started = _time.GetTimestamp();
            var produced = false;
            Exception? failure = null;
            if (_circuit.Rejects(out var closedFor))
            {
                failure = CircuitOpen(closedFor);
            }
            else
            {
                // The attempt is read here, inline: an update reaches the caller without a task or a channel in between.
                var complete = false;
                var token = watch.StartAttempt(_options.FirstTokenTimeout, streamed: true);
                IAsyncEnumerator<ChatResponseUpdate>? updates = null;
                try
                {
                    updates = base.GetStreamingResponseAsync(history, options, token).GetAsyncEnumerator(token);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }

                if (updates is not null)
                {
                    var disposed = false;
                    try
                    {
                        while (true)
                        {
                            ChatResponseUpdate update;
                            try
                            {
                                watch.Waiting();
                                if (!await updates.MoveNextAsync())
                                {
                                    break;
                                }

                                update = updates.Current;
                                watch.Arrived();
                            }
                            catch (Exception ex)
                            {
                                failure = ex;
                                break;
                            }

                            if (!produced && HasText(update))
                            {
                                produced = true;
                            }

                            complete |= update.FinishReason is not null;
                            yield return update;
                        }

                        disposed = true;
                        try
                        {
                            await updates.DisposeAsync();
                        }
                        catch (Exception ex)
                        {
                            failure ??= ex;
                        }
                    }
                    finally
                    {
                        if (!disposed)
                        {
                            try
                            {
                                await updates.DisposeAsync();
                            }
                            catch (Exception)
                            {
                                // The caller stopped reading; there is nobody to tell.
                            }
                        }
                    }
                }

                watch.EndAttempt();
                failure = Classify(failure, streamed: true, complete, produced, watch, ref attempts, number, started, cancellationToken);
                await _circuit.ReportAsync(failure);
                if (failure is null)
                {
                    yield break;
                }
            }

            var attempt = Record(number, failure, started);
            (attempts ??= []).Add(attempt);
            var report = new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(attempt)]);
            if (produced)
            {
                report.AdditionalProperties = new() { [ChatUpdateKeys.Restart] = true };
            }

            yield return report;
            await WaitBeforeRetryAsync(failure, number, watch, attempts, cancellationToken);
        }
    }

    /// <summary>Whether an exception means the attempt is worth repeating.</summary>
    internal static bool IsTransient(Exception ex) => ex switch
    {
        ProviderException p => p.IsTransient,
        HttpRequestException or IOException or JsonException or FormatException => true,
        OperationCanceledException => false,
        // SDK-specific wrappers of a broken or garbled stream (AnthropicIOException, AnthropicSseException, …).
        _ when ex.InnerException is { } inner => IsTransient(inner) || IsSdkStreamFailure(ex),
        _ => IsSdkStreamFailure(ex),
    };

    // What an attempt's end means: null for a whole reply, else the failure to record. Throws when there is nothing left to
    // try: the caller cancelled (its own exception), or the total time ran out.
    private Exception? Classify(
        Exception? failure,
        bool streamed,
        bool complete,
        bool produced,
        CallWatch watch,
        ref List<Attempt>? attempts,
        int number,
        long started,
        CancellationToken cancellationToken)
    {
        if (failure is null && (complete || !streamed))
        {
            return null;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the caller: not an attempt that failed.
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        if (watch.Expired)
        {
            // The attempt the total time cut short is an attempt too: recorded, and counted in the message.
            (attempts ??= []).Add(Record(number, new ProviderException($"{_name} was still answering when the total time ran out.", "timeout", null, true), started));
            throw GiveUp(TotalTimeout(attempts), attempts);
        }

        if (failure is OperationCanceledException && watch.AttemptTimedOut)
        {
            return !streamed
                ? new ProviderException($"{_name} sent no reply within {_options.AttemptTimeout.TotalSeconds:0.#} s.", "timeout", null, true, null, failure)
                : produced
                    ? new ProviderException($"{_name} stopped streaming for {_options.IdleTimeout.TotalSeconds:0.#} s.", "stream_stalled", null, true, null, failure)
                    : new ProviderException($"{_name} sent nothing within {_options.FirstTokenTimeout.TotalSeconds:0.#} s.", "first_token_timeout", null, true, null, failure);
        }

        return failure ?? new ProviderException($"{_name} ended the stream before the reply was finished.", "stream_cut", null, true);
    }

    // Waits before the next attempt, or throws when there is none: the failure is permanent, the attempts are used up,
    // or the wait would end after the total time.
    private async ValueTask WaitBeforeRetryAsync(Exception failure, int number, CallWatch watch, List<Attempt> attempts, CancellationToken cancellationToken)
    {
        if (!IsTransient(failure) || number >= _options.MaxAttempts)
        {
            throw GiveUp(failure, attempts);
        }

        var wait = RequestedDelay(failure) ?? Backoff(number);
        if (wait >= watch.Remaining)
        {
            throw GiveUp(TotalTimeout(attempts), attempts);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);

            // A wait can end late (a busy or suspended machine): an attempt with no time left could only be cancelled.
            if (watch.Remaining <= TimeSpan.Zero)
            {
                throw GiveUp(TotalTimeout(attempts), attempts);
            }
        }
    }

    // Exponential, with "equal jitter": between half and all of BaseDelay × 2^(n−1), never more than MaxDelay.
    private TimeSpan Backoff(int number)
    {
        var exponential = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(number - 1, 30));
        var capped = Math.Min(exponential, _options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private TimeSpan? RequestedDelay(Exception ex) =>
        ex is ProviderException { RetryAfter: { } after } ? (after > _options.MaxRetryAfter ? _options.MaxRetryAfter : after) : null;

    private ProviderException CircuitOpen(TimeSpan closedFor) =>
        new($"The circuit for {_name} is open after repeated failures.", "circuit_open", null, true, closedFor);

    private ProviderException TotalTimeout(List<Attempt>? attempts) =>
        new($"{_name} did not answer within {_options.TotalTimeout.TotalSeconds:0.#} s ({attempts?.Count ?? 0} attempts).", "timeout", null, true);

    private static void AddAttempts(ChatResponse response, List<Attempt>? attempts)
    {
        if (attempts is null)
        {
            return;
        }

        var message = response.Messages.LastOrDefault();
        if (message is null)
        {
            message = new ChatMessage(ChatRole.Assistant, []);
            response.Messages.Add(message);
        }

        for (var i = 0; i < attempts.Count; i++)
        {
            message.Contents.Insert(i, new AttemptContent(attempts[i]));
        }
    }

    private static bool HasText(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent { Text.Length: > 0 } or TextReasoningContent { Text.Length: > 0 })
            {
                return true;
            }
        }

        return false;
    }

    private Attempt Record(int number, Exception ex, long started)
    {
        var provider = ex as ProviderException;
        var attempt = new Attempt(
            number,
            Describe(ex),
            provider?.StatusCode,
            _time.GetElapsedTime(started),
            provider?.RetryAfter);
        LogAttemptFailed(_logger, _name, number, attempt.Error);
        return attempt;
    }

    private ProviderException GiveUp(Exception ex, List<Attempt>? attempts)
    {
        var failure = ex as ProviderException ?? new ProviderException($"{_name} failed: {Describe(ex)}.", KindOf(ex), null, IsTransient(ex), null, ex);
        failure.Attempts = attempts?.ToArray() ?? [];
        LogGaveUp(_logger, _name, failure.Attempts.Count, failure.Message);
        return failure;
    }

    private static string Describe(Exception ex) => ex is ProviderException p
        ? p.Message.TrimEnd('.')
        : KindOf(ex) switch
        {
            "malformed_stream" => "malformed_stream: the provider sent a chunk that could not be read",
            "network" => "network: the connection broke in the middle of the reply",
            var kind => $"{kind}: {SecretRedactor.Redact(ex.Message).TrimEnd('.')}",
        };

    private static string KindOf(Exception ex) => ex switch
    {
        ProviderException p => p.Kind,
        JsonException or FormatException => "malformed_stream",
        IOException or HttpRequestException => "network",
        _ => SdkStreamFailureKind(ex) ?? "error",
    };

    // The Anthropic SDK wraps a broken or garbled stream in its own exception types; they are told apart by name so that
    // this layer does not depend on the SDK.
    private static string? SdkStreamFailureKind(Exception ex) => ex.GetType().Name switch
    {
        "AnthropicIOException" => "network",
        "AnthropicSseException" or "AnthropicInvalidDataException" => "malformed_stream",
        _ => null,
    };

    private static bool IsSdkStreamFailure(Exception ex) => SdkStreamFailureKind(ex) is not null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: attempt {Number} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string model, int number, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Model}: gave up after {Count} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string model, int count, string error);

    // A call's watch comes from the client's spares when there is one: its timer is made once and then re-armed, instead of
    // a timer being created, registered and removed again on every message (BENCHMARKS.md, provider overhead).
    private CallWatch RentWatch(CancellationToken caller)
    {
        if (_spareWatches.TryDequeue(out var watch))
        {
            Interlocked.Decrement(ref _spareCount);
        }
        else
        {
            watch = new CallWatch(this);
        }

        watch.Begin(caller);
        return watch;
    }

    private void Return(CallWatch watch)
    {
        watch.End();
        if (!Volatile.Read(ref _disposed))
        {
            if (Interlocked.Increment(ref _spareCount) <= MaxSpareWatches)
            {
                _spareWatches.Enqueue(watch);
                if (Volatile.Read(ref _disposed))
                {
                    DestroySpares();
                }

                return;
            }

            Interlocked.Decrement(ref _spareCount);
        }

        watch.Destroy();
    }

    private void DestroySpares()
    {
        while (_spareWatches.TryDequeue(out var watch))
        {
            watch.Destroy();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Volatile.Write(ref _disposed, true);
            DestroySpares();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The clock of one call, with one timer: the total time of the call, and for the attempt under way the time to its
    /// first chunk (or, unstreamed, to its reply) and the gaps between chunks. An update only stamps the time; the timer,
    /// when it fires, re-arms itself for whatever is left instead of being reset on every update. Time the caller spends
    /// on an update does not count as the provider being idle. Disposing it hands it back to its client for the next call.
    /// </summary>
    private sealed class CallWatch : IDisposable
    {
        private readonly ResilientChatClient _owner;
        private readonly TimeProvider _time;
        private readonly TimeSpan _total;
        private readonly TimeSpan _idle;
        private readonly ITimer _timer;
        private readonly Lock _gate = new();
        private CancellationToken _caller;
        private long _started;
        private CancellationTokenSource? _attempt;
        private TimeSpan _firstReply;
        private long _attemptStarted;
        private long _lastActivity;
        private bool _active;
        private bool _inCall;
        private volatile bool _streaming;
        private volatile bool _waiting;
        private volatile bool _attemptTimedOut;
        private volatile bool _expired;

        public CallWatch(ResilientChatClient owner)
        {
            _owner = owner;
            _time = owner._time;
            _total = owner._options.TotalTimeout;
            _idle = owner._options.IdleTimeout;

            // The timer outlives the call that made it, so it must not carry that call's execution context along.
            using (ExecutionContext.SuppressFlow())
            {
                _timer = _time.CreateTimer(static s => ((CallWatch)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>Starts watching a call of <paramref name="caller"/>.</summary>
        public void Begin(CancellationToken caller)
        {
            lock (_gate)
            {
                _caller = caller;
                _started = _time.GetTimestamp();
                _active = false;
                _inCall = true;
                _expired = false;
                _attemptTimedOut = false;
            }
        }

        /// <summary>Ends the call; the timer may still be due, and then finds nothing to do.</summary>
        public void End()
        {
            lock (_gate)
            {
                _active = false;
                _inCall = false;
                _caller = default;
                _attempt?.Dispose();
                _attempt = null;
            }
        }

        public void Dispose() => _owner.Return(this);

        /// <summary>Disposes the timer for good.</summary>
        public void Destroy()
        {
            _timer.Dispose();
            lock (_gate)
            {
                _attempt?.Dispose();
                _attempt = null;
            }
        }

        /// <summary>The total time of the call ran out.</summary>
        public bool Expired => _expired;

        /// <summary>The last attempt was abandoned for its first-token or idle bound.</summary>
        public bool AttemptTimedOut => _attemptTimedOut;

        /// <summary>What is left of the total time.</summary>
        public TimeSpan Remaining => _total - _time.GetElapsedTime(_started);

        /// <summary>Starts watching an attempt that must show its first chunk (or reply) within <paramref name="firstReply"/>.</summary>
        /// <remarks>
        /// A streamed attempt's timer is first due at the earlier of that bound and the idle bound, so that the first
        /// chunk need not re-arm it: whichever bound then applies, the timer re-arms itself for what is left of it.
        /// </remarks>
        public CancellationToken StartAttempt(TimeSpan firstReply, bool streamed)
        {
            CancellationTokenSource attempt;
            lock (_gate)
            {
                _attempt?.Dispose();
                _attempt = attempt = CancellationTokenSource.CreateLinkedTokenSource(_caller);
                _firstReply = firstReply;
                _attemptStarted = _lastActivity = _time.GetTimestamp();
                _streaming = false;
                _waiting = true;
                _attemptTimedOut = false;
                _active = true;

                // Armed under the lock, as OnTimer re-arms it: a timer still firing for the watch's previous call cannot
                // then re-arm it with that call's times after this.
                _timer.Change(Min(streamed && _idle < firstReply ? _idle : firstReply, Remaining), Timeout.InfiniteTimeSpan);
            }

            return attempt.Token;
        }

        public void EndAttempt()
        {
            lock (_gate)
            {
                _active = false;
            }
        }

        /// <summary>The caller asks for the next chunk: from now on, waiting is the provider's time.</summary>
        public void Waiting()
        {
            Volatile.Write(ref _lastActivity, _time.GetTimestamp());
            _waiting = true;
        }

        /// <summary>A chunk arrived; the first one switches from the first-token bound to the idle bound.</summary>
        public void Arrived()
        {
            _waiting = false;
            if (!_streaming)
            {
                Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                _streaming = true;
            }
        }

        // Never negative: the time left can run out between reading it and arming the timer, and a timer cannot be
        // armed in the past (Change throws below −1 ms); due now, it fires at once and finds the time expired.
        private static TimeSpan Min(TimeSpan a, TimeSpan b)
        {
            var min = a < b ? a : b;
            return min > TimeSpan.Zero ? min : TimeSpan.Zero;
        }

        private void OnTimer()
        {
            CancellationTokenSource? cancel = null;
            TimeSpan next;
            lock (_gate)
            {
                if (!_inCall)
                {
                    // Due for a call that has ended; the next call arms it again.
                    return;
                }

                var left = Remaining;
                if (left <= TimeSpan.Zero)
                {
                    _expired = true;
                    cancel = _active ? _attempt : null;
                    next = Timeout.InfiniteTimeSpan;
                }
                else if (!_active)
                {
                    next = Timeout.InfiniteTimeSpan;
                }
                else if (_streaming)
                {
                    var idleLeft = _idle - _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
                    if (_waiting && idleLeft <= TimeSpan.Zero)
                    {
                        _attemptTimedOut = true;
                        cancel = _attempt;
                        next = Timeout.InfiniteTimeSpan;
                    }
                    else
                    {
                        next = Min(_waiting ? idleLeft : _idle, left);
                    }
                }
                else
                {
                    var firstLeft = _firstReply - _time.GetElapsedTime(_attemptStarted);
                    if (firstLeft <= TimeSpan.Zero)
                    {
                        _attemptTimedOut = true;
                        cancel = _attempt;
                        next = Timeout.InfiniteTimeSpan;
                    }
                    else
                    {
                        next = Min(firstLeft, left);
                    }
                }

                if (next != Timeout.InfiniteTimeSpan)
                {
                    _timer.Change(next, Timeout.InfiniteTimeSpan);
                }
            }

            try
            {
                cancel?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call ended while the timer fired.
            }
        }
    }
}
