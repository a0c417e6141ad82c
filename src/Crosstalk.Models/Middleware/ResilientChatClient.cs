using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Crosstalk.Conversations;
using Crosstalk.Models.Providers;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Retries a reply until it arrives whole, with Polly's pipeline: a retry strategy driven by <see cref="RetryPolicy"/>
/// (which failures pass, backoff with jitter or the provider's <c>retry-after</c>, a bounded number of attempts within a
/// bounded total time), the endpoint's circuit breaker shared by every client of it (<see cref="EndpointCircuit"/>), and a
/// timeout on each attempt: its reply, or for a streamed call its first chunk.
/// </summary>
/// <remarks>
/// <para>A streamed attempt is in the pipeline up to its first chunk. What comes after is handed to the caller as it
/// arrives, so it cannot be inside a Polly callback; this thin layer bounds the gaps between chunks
/// (<see cref="ResilienceOptions.IdleTimeout"/>) and, when such a stream breaks, asks the same policy whether and when to
/// try again, then goes back into the pipeline. The update that reports a failed attempt holds an
/// <see cref="AttemptContent"/>, and is sent only when another attempt follows; if the failed attempt had already streamed
/// text, it also carries <c>AdditionalProperties[<see cref="ChatUpdateKeys.Restart"/>] = true</c>: what the caller received
/// for the message must be discarded.</para>
/// <para>When every attempt fails, a <see cref="ProviderException"/> is thrown whose <see cref="ProviderException.Attempts"/>
/// lists every attempt, the last included. Every timeout is a cancellation token source on the injected clock.</para>
/// </remarks>
internal sealed partial class ResilientChatClient : DelegatingChatClient
{
    private static readonly ResiliencePropertyKey<Call> CallKey = new("crosstalk.call");

    private readonly RetryPolicy _policy;
    private readonly EndpointCircuit _circuit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly ResiliencePipeline _pipeline;

    /// <param name="innerClient">The provider's client, its exceptions already translated (<see cref="ProviderErrorChatClient"/>).</param>
    /// <param name="options">The bounds.</param>
    /// <param name="circuit">The endpoint's circuit breaker.</param>
    /// <param name="name">The model as messages name it.</param>
    /// <param name="timeProvider">The clock of every wait and timeout.</param>
    /// <param name="logger">Where retries, waits and give-ups are logged.</param>
    /// <param name="jitter">Draws the backoff's jitter, in [0, 1); random when null.</param>
    public ResilientChatClient(
        IChatClient innerClient,
        ResilienceOptions options,
        EndpointCircuit circuit,
        string name,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        Func<double>? jitter = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(circuit);
        options.Validate();
        var policy = new RetryPolicy(options, jitter);
        _policy = policy;
        _circuit = circuit;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _name = name;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                // Never the bound: the message's own count is kept by its Call (RetryPolicy), across the pipeline
                // runs of a stream that broke mid-way.
                MaxRetryAttempts = policy.Options.MaxAttempts,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } ex && CallOf(args.Context).Retries(ex)),
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(CallOf(args.Context).NextDelay),
            })
            .AddPipeline(circuit.Pipeline)
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = static args => ValueTask.FromResult(CallOf(args.Context).AttemptTimeout),
            })
            .Build();
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        using var call = new Call(this, streamed: false, history, options, cancellationToken);
        var context = call.RentContext();
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    var call = state;
                    call.BeginAttempt();
                    return await call.Client.InnerClient.GetResponseAsync(call.History, call.Options, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                call);
            AddAttempts(response, call.Attempts);
            return response;
        }
        catch (Exception ex)
        {
            throw call.GiveUp(ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        using var call = new Call(this, streamed: true, history, options, cancellationToken);
        while (true)
        {
            // Up to its first chunk, an attempt runs in the pipeline; the attempts it gives up on are reported while it
            // waits before the next.
            var opening = OpenAsync(call);
            while (!opening.IsCompleted)
            {
                await Task.WhenAny(opening, call.NextReport);
                while (call.TryTakeReport(out var report))
                {
                    yield return report;
                }
            }

            while (call.TryTakeReport(out var report))
            {
                yield return report;
            }

            var stream = await opening;
            if (stream.Failure is { } failed)
            {
                throw call.GiveUp(failed);
            }

            // After it, this layer: the idle bound between chunks, and a restart when the stream breaks.
            var produced = HasText(stream.First!);
            var complete = stream.First!.FinishReason is not null;
            yield return stream.First;
            Exception? failure = null;
            await using (stream)
            {
                while (true)
                {
                    bool moved;
                    try
                    {
                        stream.Attempt.CancelAfter(_policy.Options.IdleTimeout);
                        moved = await stream.Updates.MoveNextAsync();
                        stream.Attempt.CancelAfter(Timeout.InfiniteTimeSpan);
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                        break;
                    }

                    if (!moved)
                    {
                        break;
                    }

                    var update = stream.Updates.Current;
                    produced |= HasText(update);
                    complete |= update.FinishReason is not null;
                    yield return update;
                }

                if (failure is null && complete)
                {
                    yield break;
                }

                failure = stream.Broke(failure, _name, _policy.Options.IdleTimeout);
            }

            await _circuit.ReportAsync(failure);
            var next = call.AfterBrokenStream(failure);
            if (!next.Retries)
            {
                throw call.GiveUp(failure);
            }

            var attempt = new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(call.Attempts[^1])]);
            if (produced)
            {
                attempt.AdditionalProperties = new() { [ChatUpdateKeys.Restart] = true };
            }

            yield return attempt;
            await call.WaitAsync(next.Delay);
        }
    }

    private async Task<OpenStream> OpenAsync(Call call)
    {
        var context = call.RentContext();
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    var call = state;
                    var client = call.Client;
                    call.BeginAttempt();
                    var attempt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, client._time);
                    var stream = new OpenStream(attempt, call.Token);
                    try
                    {
                        // The pipeline's token bounds the first chunk; the attempt's own token outlives the callback.
                        using (context.CancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), attempt))
                        {
                            stream.Updates = client.InnerClient.GetStreamingResponseAsync(call.History, call.Options, attempt.Token).GetAsyncEnumerator(attempt.Token);
                            if (!await stream.Updates.MoveNextAsync().ConfigureAwait(false))
                            {
                                throw new ProviderException($"{client._name} ended the stream before sending anything (stream_cut).", "stream_cut", null, true);
                            }
                        }

                        stream.First = stream.Updates.Current;
                        return stream;
                    }
                    catch
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                },
                context,
                call);
        }
        catch (Exception ex)
        {
            return new OpenStream(ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static Call CallOf(ResilienceContext context) => context.Properties.GetValue(CallKey, null!);

    private static void AddAttempts(ChatResponse response, IReadOnlyList<Attempt> attempts)
    {
        if (attempts.Count == 0)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: attempt {Number} failed: {Error}; asking again in {Wait}")]
    private static partial void LogRetrying(ILogger logger, string model, int number, string error, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Model}: gave up after {Count} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string model, int count, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Model}: attempt {Number} started")]
    private static partial void LogAttempt(ILogger logger, string model, int number);

    /// <summary>A streamed attempt past its first chunk, or why there is none.</summary>
    private sealed class OpenStream : IAsyncDisposable
    {
        private readonly CancellationTokenRegistration _call;

        public OpenStream(CancellationTokenSource attempt, CancellationToken call)
        {
            Attempt = attempt;
            _call = call.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), attempt);
        }

        public OpenStream(Exception failure)
        {
            Failure = failure;
            Attempt = null!;
        }

        /// <summary>Cancels the attempt: the call's end, or the idle bound (armed while a chunk is awaited).</summary>
        public CancellationTokenSource Attempt { get; }

        public IAsyncEnumerator<ChatResponseUpdate> Updates { get; set; } = null!;

        public ChatResponseUpdate? First { get; set; }

        public Exception? Failure { get; }

        /// <summary>What it means that the stream ended before its finish, or broke with <paramref name="failure"/>.</summary>
        public Exception Broke(Exception? failure, string name, TimeSpan idle)
        {
            var idleExpired = Attempt.IsCancellationRequested && !_call.Token.IsCancellationRequested;
            return failure switch
            {
                OperationCanceledException when idleExpired =>
                    new ProviderException($"{name} stopped streaming for {idle.TotalSeconds:0.#} s (stream_stalled).", "stream_stalled", null, true, null, null),
                null => new ProviderException($"{name} ended the stream before the reply was finished (stream_cut).", "stream_cut", null, true),
                _ => failure,
            };
        }

        public async ValueTask DisposeAsync()
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                if (Updates is not null)
                {
                    await Updates.DisposeAsync();
                }
            }
            catch (Exception)
            {
                // The attempt is over either way; what it failed with is already known.
            }

            _call.Dispose();
            Attempt.Dispose();
        }
    }

    /// <summary>
    /// One message: its total time, the attempts made for it, and the decision after each. Polly's strategies reach it
    /// through the context.
    /// </summary>
    private sealed class Call : IDisposable
    {
        private readonly ResilientChatClient _client;
        private readonly bool _streamed;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenSource _total;
        private readonly CancellationTokenRegistration _fromCaller;
        private readonly long _started;
        private readonly List<Attempt> _attempts = [];
        private readonly Queue<ChatResponseUpdate> _reports = new();
        private TaskCompletionSource _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _attemptStarted;
        private bool _inAttempt;
        private Exception? _recordedException;
        private ProviderException? _lastFailure;
        private ProviderException? _giveUp;

        public Call(ResilientChatClient client, bool streamed, IReadOnlyList<ChatMessage> history, ChatOptions? options, CancellationToken caller)
        {
            _client = client;
            History = history;
            Options = options;
            _streamed = streamed;
            _caller = caller;
            _started = client._time.GetTimestamp();
            _total = new CancellationTokenSource(client._policy.Options.TotalTimeout, client._time);
            _fromCaller = caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _total);
        }

        public ResilientChatClient Client => _client;

        /// <summary>What every attempt sends.</summary>
        public IReadOnlyList<ChatMessage> History { get; }

        public ChatOptions? Options { get; }

        /// <summary>Cancelled by the caller or when the total time runs out.</summary>
        public CancellationToken Token => _total.Token;

        public IReadOnlyList<Attempt> Attempts => _attempts;

        /// <summary>The wait the policy chose after the last failed attempt.</summary>
        public TimeSpan NextDelay { get; private set; }

        /// <summary>The bound on the attempt about to start: its whole reply, or a stream's first chunk.</summary>
        public TimeSpan AttemptTimeout => _streamed ? _client._policy.Options.FirstTokenTimeout : _client._policy.Options.AttemptTimeout;

        /// <summary>Completes when an attempt has been reported (see <see cref="TryTakeReport"/>).</summary>
        public Task NextReport
        {
            get
            {
                lock (_reports)
                {
                    return _reported.Task;
                }
            }
        }

        private TimeSpan Remaining => _client._policy.Options.TotalTimeout - _client._time.GetElapsedTime(_started);

        private bool Expired => Remaining <= TimeSpan.Zero;

        public ResilienceContext RentContext()
        {
            var context = ResilienceContextPool.Shared.Get(Token);
            context.Properties.Set(CallKey, this);
            return context;
        }

        public void BeginAttempt()
        {
            // A wait can end late (a busy or suspended machine): an attempt with no time left could only be cancelled.
            if (Expired)
            {
                throw new OperationCanceledException(Token);
            }

            _attemptStarted = _client._time.GetTimestamp();
            _inAttempt = true;
            LogAttempt(_client._logger, _client._name, _attempts.Count + 1);
            _client._circuit.ThrowIfOpenElsewhere(_client._name);
        }

        /// <summary>Records the attempt that failed with <paramref name="ex"/> and decides whether another follows (Polly's question).</summary>
        public bool Retries(Exception ex)
        {
            if (_caller.IsCancellationRequested)
            {
                return false;
            }

            var failure = Record(ex);
            if (failure is null)
            {
                return false;
            }

            var decision = _client._policy.Decide(failure, _attempts.Count, Remaining);
            if (!decision.Retries)
            {
                _giveUp = decision.Verdict == RetryVerdict.OutOfTime ? TotalTimeout() : failure;
                return false;
            }

            NextDelay = decision.Delay;
            LogRetrying(_client._logger, _client._name, _attempts.Count, _attempts[^1].Error, decision.Delay);
            if (_streamed)
            {
                lock (_reports)
                {
                    _reports.Enqueue(new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(_attempts[^1])]));
                    _reported.TrySetResult();
                }
            }

            return true;
        }

        /// <summary>Records a stream that broke after its first chunk and decides what follows.</summary>
        public RetryDecision AfterBrokenStream(Exception failure)
        {
            if (_caller.IsCancellationRequested)
            {
                return RetryDecision.GiveUp(RetryVerdict.Permanent);
            }

            var recorded = Record(failure);
            if (recorded is null)
            {
                return RetryDecision.GiveUp(RetryVerdict.OutOfTime);
            }

            var decision = _client._policy.Decide(recorded, _attempts.Count, Remaining);
            _giveUp = decision.Retries ? null : decision.Verdict == RetryVerdict.OutOfTime ? TotalTimeout() : recorded;
            if (decision.Retries)
            {
                LogRetrying(_client._logger, _client._name, _attempts.Count, _attempts[^1].Error, decision.Delay);
            }

            return decision;
        }

        public bool TryTakeReport(out ChatResponseUpdate report)
        {
            lock (_reports)
            {
                if (_reports.TryDequeue(out report!))
                {
                    return true;
                }

                if (_reported.Task.IsCompleted)
                {
                    _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                return false;
            }
        }

        /// <summary>Waits before the next attempt of a broken stream; a wait that ends after the total time gives up.</summary>
        public async Task WaitAsync(TimeSpan delay)
        {
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _client._time, Token);
                }
            }
            catch (OperationCanceledException) when (!_caller.IsCancellationRequested)
            {
            }

            _caller.ThrowIfCancellationRequested();
            if (Expired)
            {
                _giveUp = TotalTimeout();
                throw GiveUp(_giveUp);
            }
        }

        /// <summary>The exception to throw when no attempt is left: the caller's own when it cancelled.</summary>
        public Exception GiveUp(Exception ex)
        {
            if (_caller.IsCancellationRequested)
            {
                ExceptionDispatchInfo.Throw(ex is OperationCanceledException ? ex : new OperationCanceledException(_caller));
            }

            if (_giveUp is null)
            {
                // Not decided by the policy: the pipeline ended without asking it (the total time ran out during an attempt
                // or a wait).
                var failure = Record(ex);
                _giveUp = Expired || failure is null ? TotalTimeout() : failure;
            }

            _giveUp.Attempts = _attempts.ToArray();
            LogGaveUp(_client._logger, _client._name, _attempts.Count, _giveUp.Message);
            return _giveUp;
        }

        // Adds the attempt that failed with ex (once), and returns what it failed with; null when it was the total time that
        // ended it (recorded as such), or when ex only cut a wait short (nothing to record).
        private ProviderException? Record(Exception ex)
        {
            if (ReferenceEquals(ex, _recordedException))
            {
                return _lastFailure;
            }

            if (!_inAttempt && ex is OperationCanceledException)
            {
                return null;
            }

            // An attempt the circuit turned away never began: it took no time.
            var started = _inAttempt ? _attemptStarted : _client._time.GetTimestamp();
            _recordedException = ex;
            _inAttempt = false;
            var options = _client._policy.Options;
            var name = _client._name;
            ProviderException? failure = ex switch
            {
                _ when Expired => null,
                TimeoutRejectedException when _streamed =>
                    new($"{name} sent nothing within {options.FirstTokenTimeout.TotalSeconds:0.#} s (first_token_timeout).", "first_token_timeout", null, true),
                TimeoutRejectedException =>
                    new($"{name} sent no reply within {options.AttemptTimeout.TotalSeconds:0.#} s (timeout).", "timeout", null, true),
                BrokenCircuitException broken =>
                    new($"The circuit for {name} is open after repeated failures (circuit_open).", "circuit_open", null, true, broken.RetryAfter ?? options.BreakerBreakDuration),
                _ => ProviderErrorChatClient.Translate(ex, name),
            };

            var provider = failure ?? new ProviderException($"{name} was still answering when the total time ran out (timeout).", "timeout", null, true);
            _attempts.Add(new Attempt(
                _attempts.Count + 1,
                provider.Message.TrimEnd('.'),
                provider.StatusCode,
                _client._time.GetElapsedTime(started),
                provider.RetryAfter));
            _lastFailure = failure;
            return failure;
        }

        private ProviderException TotalTimeout() =>
            new($"{_client._name} did not answer within {_client._policy.Options.TotalTimeout.TotalSeconds:0.#} s ({_attempts.Count} attempts).", "timeout", null, true);

        public void Dispose()
        {
            _fromCaller.Dispose();
            _total.Dispose();
        }
    }
}
