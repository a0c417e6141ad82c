using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
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

        // The pipeline runs the attempts; the caller reads what they stream through a channel, so a retry can happen
        // after updates were already handed out.
        var channel = Channel.CreateBounded<ChatResponseUpdate>(new BoundedChannelOptions(128) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(history, options, channel.Writer, stop.Token), CancellationToken.None);
        var finished = false;
        try
        {
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (channel.Reader.TryRead(out var update))
                {
                    yield return update;
                }
            }

            finished = true;
        }
        finally
        {
            if (!finished)
            {
                await stop.CancelAsync();
            }

            try
            {
                await producer;
            }
            catch (Exception) when (!finished)
            {
                // The consumer stopped reading; there is nobody to tell.
            }
        }
    }

    private async Task ProduceAsync(
        IReadOnlyList<ChatMessage> history, ChatOptions? options, ChannelWriter<ChatResponseUpdate> writer, CancellationToken cancellationToken)
    {
        var attempts = new List<Attempt>();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            await _pipeline.ExecuteAsync(
                async ctx =>
                {
                    var started = _time.GetTimestamp();
                    var produced = false;
                    try
                    {
                        produced = await StreamAttemptAsync(history, options, writer, () => produced = true, ctx.CancellationToken);
                    }
                    catch (Exception ex) when (!ctx.CancellationToken.IsCancellationRequested)
                    {
                        var attempt = Record(attempts.Count + 1, ex, started);
                        attempts.Add(attempt);
                        var report = new ChatResponseUpdate(ChatRole.Assistant, [new AttemptContent(attempt)]);
                        if (produced)
                        {
                            report.AdditionalProperties = new() { [ChatUpdateKeys.Restart] = true };
                        }

                        await writer.WriteAsync(report, cancellationToken);
                        throw;
                    }
                },
                context);
            writer.TryComplete();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
            throw GiveUp(ex, attempts);
        }
        finally
        {
            writer.TryComplete();
            ResilienceContextPool.Shared.Return(context);
        }
    }

    // Streams one attempt into the channel; throws a transient ProviderException when the stream is late, stalls or ends early.
    private async Task<bool> StreamAttemptAsync(
        IReadOnlyList<ChatMessage> history, ChatOptions? options, ChannelWriter<ChatResponseUpdate> writer, Action onContent, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_options.FirstTokenTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var produced = false;
        var finished = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(history, options, linked.Token).WithCancellation(linked.Token))
            {
                if (!produced && update.Contents.Any(c => c is TextContent { Text.Length: > 0 } or TextReasoningContent { Text.Length: > 0 }))
                {
                    produced = true;
                    onContent();
                }

                finished |= update.FinishReason is not null;
                timer.CancelAfter(_options.IdleTimeout);
                await writer.WriteAsync(update, cancellationToken);
            }
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw produced
                ? new ProviderException($"{_name} stopped streaming for {_options.IdleTimeout.TotalSeconds:0.#} s.", "stream_stalled", null, true, null, ex)
                : new ProviderException($"{_name} sent nothing within {_options.FirstTokenTimeout.TotalSeconds:0.#} s.", "first_token_timeout", null, true, null, ex);
        }

        if (!finished)
        {
            throw new ProviderException($"{_name} ended the stream before the reply was finished.", "stream_cut", null, true);
        }

        return produced;
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
}
