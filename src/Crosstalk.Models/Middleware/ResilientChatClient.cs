using System.Runtime.CompilerServices;
using System.Text.Json;
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
/// Retries a reply until it arrives whole: exponential backoff with jitter (or the provider's <c>retry-after</c>),
/// a bounded number of attempts, a bounded total time per message, a circuit breaker shared by every client of the
/// same endpoint, and per-attempt timeouts for a slow first token or a stalled stream.
/// </summary>
/// <remarks>
/// Streaming contract: each failed attempt is reported as an update holding an <see cref="AttemptContent"/>. If that
/// attempt had already streamed text or reasoning, the update also carries
/// <c>AdditionalProperties[<see cref="ChatUpdateKeys.Restart"/>] = true</c>: the consumer must discard what it received
/// for the message, because the next updates belong to a new attempt that starts from the beginning. When every attempt
/// fails, a <see cref="ProviderException"/> with <see cref="ProviderException.Attempts"/> is thrown.
/// </remarks>
internal sealed partial class ResilientChatClient : DelegatingChatClient
{
    private readonly ResilienceOptions _options;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;

    public ResilientChatClient(
        IChatClient innerClient, ResilienceOptions options, ResiliencePipeline circuitBreaker, string name, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(circuitBreaker);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _name = name;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout })
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex)),
                DelayGenerator = args => ValueTask.FromResult(RequestedDelay(args.Outcome.Exception)),
            })
            .AddPipeline(circuitBreaker)
            .Build();
    }

    /// <summary>The breaker for one endpoint; share the result between every client of that endpoint.</summary>
    public static ResiliencePipeline CreateCircuitBreaker(ResilienceOptions options, TimeProvider? timeProvider = null) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex)),
            })
            .Build();

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var attempts = new List<Attempt>();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                async ctx =>
                {
                    var started = _time.GetTimestamp();
                    using var timer = new CancellationTokenSource(_options.AttemptTimeout, _time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken, timer.Token);
                    try
                    {
                        return await base.GetResponseAsync(history, options, linked.Token);
                    }
                    catch (Exception ex) when (!ctx.CancellationToken.IsCancellationRequested)
                    {
                        var failure = timer.IsCancellationRequested && ex is OperationCanceledException
                            ? new ProviderException($"{_name} sent no reply within {_options.AttemptTimeout.TotalSeconds:0.#} s.", "timeout", null, true)
                            : ex;
                        attempts.Add(Record(attempts.Count + 1, failure, started));
                        if (failure != ex)
                        {
                            throw failure;
                        }

                        throw;
                    }
                },
                context);

            if (attempts.Count > 0)
            {
                var message = response.Messages.LastOrDefault();
                if (message is null)
                {
                    message = new ChatMessage(ChatRole.Assistant, []);
                    response.Messages.Add(message);
                }

                foreach (var attempt in attempts)
                {
                    message.Contents.Insert(0, new AttemptContent(attempt));
                }
            }

            return response;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw GiveUp(ex, attempts);
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

        // The pipeline decides when each attempt starts (backoff, breaker, total timeout) and waits for its outcome; the
        // attempt itself is read here, inline, so an update reaches the caller without a task or a channel in between.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var context = ResilienceContextPool.Shared.Get(stop.Token);
        var run = new StreamRun();
        var pipeline = RunAttemptsAsync(run, context);
        var attempts = new List<Attempt>();
        AttemptTicket? ticket = null;
        var finished = false;
        try
        {
            while (await run.Signal.Task is { } next)
            {
                ticket = next;
                run.Signal = new TaskCompletionSource<AttemptTicket?>(TaskCreationOptions.RunContinuationsAsynchronously);
                var started = _time.GetTimestamp();
                var produced = false;
                var complete = false;
                Exception? failure = null;
                using (var watch = new AttemptWatch(_time, _options, ticket.CancellationToken))
                {
                    var updates = base.GetStreamingResponseAsync(history, options, watch.Token).GetAsyncEnumerator(watch.Token);
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

                    if (failure is OperationCanceledException && watch.TimedOut && !ticket.CancellationToken.IsCancellationRequested)
                    {
                        failure = produced
                            ? new ProviderException($"{_name} stopped streaming for {_options.IdleTimeout.TotalSeconds:0.#} s.", "stream_stalled", null, true, null, failure)
                            : new ProviderException($"{_name} sent nothing within {_options.FirstTokenTimeout.TotalSeconds:0.#} s.", "first_token_timeout", null, true, null, failure);
                    }
                    else if (failure is null && !complete)
                    {
                        failure = new ProviderException($"{_name} ended the stream before the reply was finished.", "stream_cut", null, true);
                    }
                }

                var current = ticket;
                ticket = null;
                if (failure is null)
                {
                    current.Outcome.TrySetResult();
                    continue;
                }

                if (current.CancellationToken.IsCancellationRequested)
                {
                    // Cancelled by the caller or the total timeout: not an attempt that failed, the pipeline decides.
                    current.Outcome.TrySetException(failure);
                    continue;
                }

                var attempt = Record(attempts.Count + 1, failure, started);
                attempts.Add(attempt);
                var report = new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(attempt)]);
                if (produced)
                {
                    report.AdditionalProperties = new() { [ChatUpdateKeys.Restart] = true };
                }

                // The outcome goes first so the backoff starts now, as it did when the attempt ran on its own task.
                current.Outcome.TrySetException(failure);
                yield return report;
            }

            finished = true;
            try
            {
                await pipeline;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw GiveUp(ex, attempts);
            }
        }
        finally
        {
            if (!finished)
            {
                await stop.CancelAsync();
                ticket?.Outcome.TrySetException(new OperationCanceledException(stop.Token));
                try
                {
                    await pipeline;
                }
                catch (Exception)
                {
                    // The consumer stopped reading; there is nobody to tell.
                }
            }

            ResilienceContextPool.Shared.Return(context);
        }
    }

    // Runs the pipeline; each attempt it starts is handed to the reader through run.Signal, and the attempt ends when
    // the reader sets its outcome. Signal gets null when the pipeline is done.
    private async Task RunAttemptsAsync(StreamRun run, ResilienceContext context)
    {
        try
        {
            await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var ticket = new AttemptTicket(ctx.CancellationToken);
                    state.Signal.TrySetResult(ticket);

                    // The reader sets the outcome; continuing inline lets a successful reply finish without a thread hop.
                    await ticket.Outcome.Task.ConfigureAwait(false);
                },
                context,
                run).ConfigureAwait(false);
        }
        finally
        {
            run.Signal.TrySetResult(null);
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

    private ProviderException GiveUp(Exception ex, List<Attempt> attempts)
    {
        var failure = ex switch
        {
            ProviderException p => p,
            TimeoutRejectedException => new ProviderException(
                $"{_name} did not answer within {_options.TotalTimeout.TotalSeconds:0.#} s ({attempts.Count} attempts).", "timeout", null, true, null, ex),
            BrokenCircuitException => new ProviderException($"The circuit for {_name} is open after repeated failures.", "circuit_open", null, true, null, ex),
            _ => new ProviderException($"{_name} failed: {Describe(ex)}.", KindOf(ex), null, IsTransient(ex), null, ex),
        };
        failure.Attempts = attempts.ToArray();
        LogGaveUp(_logger, _name, attempts.Count, failure.Message);
        return failure;
    }

    private static string Describe(Exception ex) => ex switch
    {
        ProviderException p => p.Message.TrimEnd('.'),
        BrokenCircuitException => "circuit open",
        JsonException or FormatException => "malformed_stream: the provider sent a chunk that could not be read",
        _ when ex.GetType().Name is "AnthropicSseException" or "AnthropicInvalidDataException" => "malformed_stream: the provider sent an event that could not be read",
        IOException or HttpRequestException => "network: the connection broke in the middle of the reply",
        _ when ex.GetType().Name is "AnthropicIOException" => "network: the connection broke in the middle of the reply",
        _ => $"{KindOf(ex)}: {SecretRedactor.Redact(ex.Message).TrimEnd('.')}",
    };

    private static string KindOf(Exception ex) => ex switch
    {
        ProviderException p => p.Kind,
        JsonException or FormatException => "malformed_stream",
        IOException or HttpRequestException => "network",
        _ when ex.GetType().Name.Contains("Sse", StringComparison.Ordinal) => "malformed_stream",
        _ => "error",
    };

    private static bool IsTransient(Exception ex) => ex switch
    {
        ProviderException p => p.IsTransient,
        BrokenCircuitException or TimeoutRejectedException => ex is BrokenCircuitException,
        HttpRequestException or IOException or JsonException or FormatException => true,
        OperationCanceledException => false,
        // SDK-specific wrappers of a broken or garbled stream (AnthropicIOException, AnthropicSseException, …).
        _ when ex.InnerException is { } inner => IsTransient(inner) || IsSdkStreamFailure(ex),
        _ => IsSdkStreamFailure(ex),
    };

    private static bool IsSdkStreamFailure(Exception ex) =>
        ex.GetType().Name is "AnthropicIOException" or "AnthropicSseException" or "AnthropicInvalidDataException";

    private TimeSpan? RequestedDelay(Exception? ex) => ex switch
    {
        ProviderException { RetryAfter: { } after } => after > _options.MaxRetryAfter ? _options.MaxRetryAfter : after,
        BrokenCircuitException { RetryAfter: { } after } => after,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: attempt {Number} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string model, int number, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Model}: gave up after {Count} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string model, int count, string error);

    private sealed class StreamRun
    {
        public TaskCompletionSource<AttemptTicket?> Signal { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class AttemptTicket(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        // Continuations run inline on purpose: the pipeline's bookkeeping after an attempt is short and never waits on the reader.
        public TaskCompletionSource Outcome { get; } = new();
    }

    /// <summary>
    /// The first-token and idle timeouts of one attempt with one timer: an update only stamps the time, and the timer,
    /// when it fires, re-arms itself for whatever is left instead of being reset on every update. Time the caller spends
    /// on an update does not count as the provider being idle.
    /// </summary>
    private sealed class AttemptWatch : IDisposable
    {
        private readonly TimeProvider _time;
        private readonly TimeSpan _idle;
        private readonly CancellationTokenSource _source;
        private readonly ITimer _timer;
        private long _lastActivity;
        private volatile bool _streaming;
        private volatile bool _waiting = true;
        private volatile bool _timedOut;

        public AttemptWatch(TimeProvider time, ResilienceOptions options, CancellationToken cancellationToken)
        {
            _time = time;
            _idle = options.IdleTimeout;
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _lastActivity = time.GetTimestamp();
            _timer = time.CreateTimer(static s => ((AttemptWatch)s!).OnTimer(), this, options.FirstTokenTimeout, Timeout.InfiniteTimeSpan);
        }

        public CancellationToken Token => _source.Token;

        public bool TimedOut => _timedOut;

        public void Waiting()
        {
            Volatile.Write(ref _lastActivity, _time.GetTimestamp());
            _waiting = true;
        }

        public void Arrived()
        {
            _waiting = false;
            if (!_streaming)
            {
                _streaming = true;
                Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                _timer.Change(_idle, Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            _source.Dispose();
        }

        private void OnTimer()
        {
            try
            {
                if (_streaming)
                {
                    var left = _idle - _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
                    if (!_waiting || left > TimeSpan.Zero)
                    {
                        _timer.Change(_waiting ? left : _idle, Timeout.InfiniteTimeSpan);
                        return;
                    }
                }

                _timedOut = true;
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended while the timer fired.
            }
        }
    }
}
