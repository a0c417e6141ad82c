using Polly;
using Polly.CircuitBreaker;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// The circuit breaker of one endpoint, shared by every client of it: Polly's circuit breaker, asked before each attempt
/// (<see cref="Rejects"/>) and told each attempt's outcome once it has ended (<see cref="ReportAsync"/>).
/// </summary>
/// <remarks>
/// A streamed attempt hands its updates to the caller while it runs, so it cannot run inside a Polly callback without
/// keeping the whole callback chain suspended (and allocated) for the length of every reply. Instead, the outcome is
/// replayed through the breaker as a completed callback, which costs nothing when all is well. One difference from
/// running the attempt inside the breaker: once the break is over, every attempt that asks may go ahead until the first
/// outcome closes or re-opens the circuit, where Polly would let exactly one through.
/// </remarks>
internal sealed class EndpointCircuit
{
    private readonly ResiliencePipeline _breaker;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TimeProvider _time;
    private readonly string _endpoint;
    private readonly IModelCoordination? _coordination;
    private long _openUntilTicks;

    /// <param name="options">The breaker's settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="endpoint">The endpoint, as other processes name it.</param>
    /// <param name="coordination">Where other processes learn that this circuit opened, and this one that theirs did; null in one process.</param>
    public EndpointCircuit(ResilienceOptions options, TimeProvider? timeProvider = null, string endpoint = "", IModelCoordination? coordination = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _endpoint = endpoint;
        _coordination = coordination;
        _breaker = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && ResilientChatClient.IsTransient(ex)),
                StateProvider = _state,
                OnOpened = args =>
                {
                    var until = _time.GetUtcNow() + args.BreakDuration;
                    Volatile.Write(ref _openUntilTicks, until.UtcTicks);
                    _coordination?.CircuitOpened(_endpoint, until);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The circuit's state, as Polly keeps it.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>True while the circuit is open; <paramref name="retryAfter"/> is then how long until it lets an attempt through.</summary>
    public bool Rejects(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;

        // Opened by another process: the endpoint is as down for this one.
        if (_coordination?.CircuitOpenUntil(_endpoint) is { } elsewhere && elsewhere > _time.GetUtcNow())
        {
            retryAfter = elsewhere - _time.GetUtcNow();
            return true;
        }

        switch (_state.CircuitState)
        {
            case CircuitState.Open:
                retryAfter = new DateTimeOffset(Volatile.Read(ref _openUntilTicks), TimeSpan.Zero) - _time.GetUtcNow();
                return retryAfter > TimeSpan.Zero;
            case CircuitState.Isolated:
                retryAfter = TimeSpan.MaxValue;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Counts the outcome of an attempt that ran: <paramref name="failure"/> is null when it succeeded.</summary>
    public async ValueTask ReportAsync(Exception? failure)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            await _breaker.ExecuteOutcomeAsync(
                static (_, failed) => ValueTask.FromResult(failed is null ? Outcome.FromResult(true) : Outcome.FromException<bool>(failed)),
                context,
                failure).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
