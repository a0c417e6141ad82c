using Crosstalk.Models.Middleware;

namespace Crosstalk.Models.Catalog;

/// <summary>
/// How hard to try for each message of one model (or every model of a provider), as a catalog's <c>resilience:</c> sets
/// it. A null value takes the provider's, then the process default (<see cref="ResilienceOptions"/>).
/// </summary>
public sealed record ModelResilience(
    int? Attempts = null,
    TimeSpan? BaseDelay = null,
    TimeSpan? MaxDelay = null,
    TimeSpan? MaxRetryAfter = null,
    TimeSpan? TotalTimeout = null,
    TimeSpan? FirstTokenTimeout = null,
    TimeSpan? IdleTimeout = null,
    TimeSpan? AttemptTimeout = null)
{
    /// <summary>Nothing set.</summary>
    public static ModelResilience None { get; } = new();

    /// <summary>These settings, with every unset value taken from <paramref name="fallback"/>.</summary>
    public ModelResilience Over(ModelResilience? fallback) => fallback is null
        ? this
        : new(
            Attempts ?? fallback.Attempts,
            BaseDelay ?? fallback.BaseDelay,
            MaxDelay ?? fallback.MaxDelay,
            MaxRetryAfter ?? fallback.MaxRetryAfter,
            TotalTimeout ?? fallback.TotalTimeout,
            FirstTokenTimeout ?? fallback.FirstTokenTimeout,
            IdleTimeout ?? fallback.IdleTimeout,
            AttemptTimeout ?? fallback.AttemptTimeout);

    /// <summary><paramref name="defaults"/> with these settings applied; <paramref name="defaults"/> itself when none is set.</summary>
    public ResilienceOptions ApplyTo(ResilienceOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (this == None)
        {
            return defaults;
        }

        var options = new ResilienceOptions
        {
            MaxAttempts = Attempts ?? defaults.MaxAttempts,
            BaseDelay = BaseDelay ?? defaults.BaseDelay,
            MaxDelay = MaxDelay ?? defaults.MaxDelay,
            MaxRetryAfter = MaxRetryAfter ?? defaults.MaxRetryAfter,
            TotalTimeout = TotalTimeout ?? defaults.TotalTimeout,
            FirstTokenTimeout = FirstTokenTimeout ?? defaults.FirstTokenTimeout,
            IdleTimeout = IdleTimeout ?? defaults.IdleTimeout,
            AttemptTimeout = AttemptTimeout ?? defaults.AttemptTimeout,
            BreakerFailureRatio = defaults.BreakerFailureRatio,
            BreakerMinimumThroughput = defaults.BreakerMinimumThroughput,
            BreakerSamplingDuration = defaults.BreakerSamplingDuration,
            BreakerBreakDuration = defaults.BreakerBreakDuration,
        };
        options.Validate();
        return options;
    }
}
