using Crosstalk.Models.Middleware;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Models.Providers;

/// <summary>Process-wide settings of <see cref="ModelClientFactory"/>.</summary>
public sealed class ModelClientFactoryOptions
{
    /// <summary>Retries, timeouts and circuit breaking, for every model whose catalog entry does not set its own (<c>resilience:</c>).</summary>
    public ResilienceOptions Resilience { get; set; } = new();

    /// <summary>Draws the jitter of each backoff, in [0, 1); random when null. Tests set a fixed value to know every wait.</summary>
    public Func<double>? Jitter { get; set; }

    /// <summary>The clock for every timeout and measurement.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where middleware logs (attempts, give-ups); nothing is logged when null. Keys never reach it.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The HTTP stack under both SDKs; null for a pooled <see cref="SocketsHttpHandler"/>. Tests and benchmarks use it to
    /// reach loopback servers or to inject a transport.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Emit OpenTelemetry traces and metrics through Microsoft.Extensions.AI's instrumentation. Off by default.</summary>
    public bool EnableOpenTelemetry { get; set; }

    /// <summary>
    /// Makes every model's limits (concurrency, requests and tokens per minute) and every endpoint's circuit breaker hold
    /// across processes, as a cluster needs; null (the default) keeps them in this process.
    /// </summary>
    public IModelCoordination? Coordination { get; set; }

    /// <summary>The ActivitySource / Meter name used when <see cref="EnableOpenTelemetry"/> is on.</summary>
    public string TelemetrySourceName { get; set; } = "Crosstalk";
}
