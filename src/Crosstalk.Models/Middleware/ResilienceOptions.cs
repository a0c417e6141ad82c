namespace Crosstalk.Models.Middleware;

/// <summary>How hard Crosstalk tries to get each message. Every bound is finite: a message never waits forever.</summary>
public sealed class ResilienceOptions
{
    /// <summary>The longest any of these times may be: a message that may wait longer than a day is not bounded.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>Attempts per message, the first included. Default 6.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First backoff delay; it doubles per attempt, with jitter. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest backoff delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A provider's <c>retry-after</c> is honoured up to this long. Default 60 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Total time for one message, all attempts and waits included. Default 10 min.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A streamed attempt that yields nothing for this long after the request is abandoned. Default 120 s.</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>A stream that stalls for this long between chunks is abandoned. Default 60 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A non-streamed attempt is abandoned after this long. Default 5 min.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The circuit of an endpoint opens when this share of calls fail… Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>…among at least this many calls… Default 20.</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    /// <summary>…within this window. Default 30 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects calls before one is let through. Default 15 s.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    internal void Validate()
    {
        if (MaxAttempts < 1 || MaxAttempts > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be between 1 and 100.");
        }

        foreach (var (name, value) in new[]
        {
            (nameof(TotalTimeout), TotalTimeout), (nameof(FirstTokenTimeout), FirstTokenTimeout), (nameof(IdleTimeout), IdleTimeout),
            (nameof(AttemptTimeout), AttemptTimeout), (nameof(BaseDelay), BaseDelay), (nameof(MaxDelay), MaxDelay),
        })
        {
            if (value <= TimeSpan.Zero || value > Longest)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive time of at most a day.");
            }
        }
    }
}
