using System.Threading.RateLimiting;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// What makes a model's limits and an endpoint's circuit breaker hold across processes: a cluster hands every silo the
/// same limiters and tells every silo when a circuit opened on one of them. Without it (one process), both are local.
/// </summary>
public interface IModelCoordination
{
    /// <summary>A limiter of <paramref name="permits"/> requests in flight at once for <paramref name="key"/>, shared by every process.</summary>
    RateLimiter CreateConcurrencyLimiter(string key, int permits);

    /// <summary>A limiter of <paramref name="perMinute"/> permits a minute for <paramref name="key"/> (requests or tokens), shared by every process.</summary>
    RateLimiter CreatePerMinuteLimiter(string key, int perMinute);

    /// <summary>Tells every process that the circuit of <paramref name="endpoint"/> opened here, until <paramref name="until"/>.</summary>
    void CircuitOpened(string endpoint, DateTimeOffset until);

    /// <summary>Until when another process has opened the circuit of <paramref name="endpoint"/>; null when none has.</summary>
    DateTimeOffset? CircuitOpenUntil(string endpoint);
}
