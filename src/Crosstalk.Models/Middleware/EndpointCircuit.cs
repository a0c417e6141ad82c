using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// The circuit breaker of one endpoint, shared by every client of it: a Polly pipeline holding the breaker, which each
/// client's pipeline runs inside its retries (<see cref="Pipeline"/>). A streamed attempt that breaks after its first chunk
/// has left the pipeline by then; its outcome is counted with <see cref="ReportAsync"/>.
/// </summary>
internal sealed partial class EndpointCircuit
{
    private readonly ResiliencePipeline _breaker;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TimeProvider _time;
    private readonly string _endpoint;
    private readonly IModelCoordination? _coordination;

    /// <param name="options">The breaker's settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="endpoint">The endpoint, as other processes name it.</param>
    /// <param name="coordination">Where other processes learn that this circuit opened, and this one that theirs did; null in one process.</param>
    /// <param name="logger">Where the circuit's openings and closings are logged.</param>
    public EndpointCircuit(
        ResilienceOptions options, TimeProvider? timeProvider = null, string endpoint = "", IModelCoordination? coordination = null, ILogger? logger = null)
    {
        var log = logger ?? NullLogger.Instance;
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
                ShouldHandle = static args => ValueTask.FromResult(Counts(args.Outcome.Exception)),
                StateProvider = _state,
                OnOpened = args =>
                {
                    LogOpened(log, _endpoint, args.BreakDuration);
                    _coordination?.CircuitOpened(_endpoint, _time.GetUtcNow() + args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    LogHalfOpened(log, _endpoint);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    LogClosed(log, _endpoint);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The circuit's state, as Polly keeps it.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>The breaker, to run attempts in.</summary>
    public ResiliencePipeline Pipeline => _breaker;

    /// <summary>Throws a <c>circuit_open</c> failure while another process holds this endpoint's circuit open.</summary>
    public void ThrowIfOpenElsewhere(string name)
    {
        if (_coordination?.CircuitOpenUntil(_endpoint) is { } elsewhere && elsewhere > _time.GetUtcNow())
        {
            throw new Providers.ProviderException(
                $"The circuit for {name} is open after repeated failures (circuit_open).", "circuit_open", null, true, elsewhere - _time.GetUtcNow());
        }
    }

    // A transient failure counts against the endpoint; a refused request, a cancellation or an open circuit does not.
    private static bool Counts(Exception? ex) => ex switch
    {
        Providers.ProviderException { Kind: "circuit_open" } => false,
        Providers.ProviderException p => p.IsTransient,
        Polly.Timeout.TimeoutRejectedException => true,
        _ => false,
    };

    /// <summary>Counts the outcome of a streamed attempt after its first chunk: <paramref name="failure"/> is null when it succeeded.</summary>
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The circuit for {Endpoint} opened: no calls for {Break}")]
    private static partial void LogOpened(ILogger logger, string endpoint, TimeSpan @break);

    [LoggerMessage(Level = LogLevel.Information, Message = "The circuit for {Endpoint} lets one call through to test it")]
    private static partial void LogHalfOpened(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "The circuit for {Endpoint} closed")]
    private static partial void LogClosed(ILogger logger, string endpoint);
}
