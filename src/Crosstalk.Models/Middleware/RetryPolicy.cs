using Crosstalk.Models.Providers;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Whether a failed attempt is tried again, and after how long: the whole retry decision, with no clock and no I/O, so
/// that it can be tested on its own. <see cref="ResilientChatClient"/> hands it to Polly's retry strategy.
/// </summary>
/// <param name="options">The bounds.</param>
/// <param name="random">Draws the jitter, in [0, 1); <see cref="Random.Shared"/> when null. Tests inject a fixed value.</param>
internal sealed class RetryPolicy(ResilienceOptions options, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    /// <summary>The bounds this policy applies.</summary>
    public ResilienceOptions Options { get; } = options;

    /// <summary>
    /// Decides what follows attempt <paramref name="attempt"/> (1-based), which failed with <paramref name="failure"/>, when
    /// <paramref name="remaining"/> is left of the message's total time.
    /// </summary>
    public RetryDecision Decide(ProviderException failure, int attempt, TimeSpan remaining)
    {
        if (!failure.IsTransient)
        {
            return RetryDecision.GiveUp(RetryVerdict.Permanent);
        }

        if (attempt >= Options.MaxAttempts)
        {
            return RetryDecision.GiveUp(RetryVerdict.OutOfAttempts);
        }

        var wait = DelayAfter(attempt, failure);
        return wait >= remaining ? RetryDecision.GiveUp(RetryVerdict.OutOfTime) : RetryDecision.After(wait);
    }

    /// <summary>
    /// The wait after attempt <paramref name="attempt"/>: the provider's <c>retry-after</c> (up to
    /// <see cref="ResilienceOptions.MaxRetryAfter"/>) when it sent one, else exponential backoff with "equal jitter":
    /// between half and all of <c>BaseDelay × 2^(attempt−1)</c>, never more than <see cref="ResilienceOptions.MaxDelay"/>.
    /// </summary>
    public TimeSpan DelayAfter(int attempt, ProviderException failure)
    {
        if (failure.RetryAfter is { } after)
        {
            return after > Options.MaxRetryAfter ? Options.MaxRetryAfter : after < TimeSpan.Zero ? TimeSpan.Zero : after;
        }

        var exponential = Options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, Options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Math.Clamp(_random(), 0, 1) / 2)));
    }
}

/// <summary>Why there is no next attempt.</summary>
internal enum RetryVerdict
{
    /// <summary>There is one.</summary>
    Retry,

    /// <summary>The failure would happen again (a refused key, a bad request).</summary>
    Permanent,

    /// <summary>Every attempt allowed was made.</summary>
    OutOfAttempts,

    /// <summary>The wait would end after the message's total time.</summary>
    OutOfTime,
}

/// <summary>What <see cref="RetryPolicy.Decide"/> concluded.</summary>
internal readonly record struct RetryDecision(RetryVerdict Verdict, TimeSpan Delay)
{
    public bool Retries => Verdict == RetryVerdict.Retry;

    public static RetryDecision After(TimeSpan delay) => new(RetryVerdict.Retry, delay);

    public static RetryDecision GiveUp(RetryVerdict verdict) => new(verdict, TimeSpan.Zero);
}
