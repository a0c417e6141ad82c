using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Crosstalk.Models.Catalog;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// One set of limiters per endpoint and model, shared by every conversation of the process, so that a hundred
/// parallel conversations with the same model respect one concurrency and one requests/tokens-per-minute budget.
/// </summary>
internal sealed class RateLimiterRegistry(IModelCoordination? coordination = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiterSet> _sets = new(StringComparer.OrdinalIgnoreCase);

    public RateLimiterSet For(ModelEntry entry) =>
        _sets.GetOrAdd($"{entry.Endpoint}|{entry.ModelId}", key => new RateLimiterSet(entry.Limits, key, coordination));

    public void Dispose()
    {
        foreach (var set in _sets.Values)
        {
            set.Dispose();
        }
    }
}

internal sealed class RateLimiterSet : IDisposable
{
    public RateLimiterSet(ModelLimits limits, string key = "", IModelCoordination? coordination = null)
    {
        if (limits.MaxConcurrency is > 0 and var concurrency)
        {
            Concurrency = coordination?.CreateConcurrencyLimiter(key + "|concurrency", concurrency) ?? new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = concurrency,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }

        Requests = PerMinute(limits.RequestsPerMinute, key + "|rpm", coordination);
        Tokens = PerMinute(limits.TokensPerMinute, key + "|tpm", coordination);
        TokensPerMinute = limits.TokensPerMinute ?? int.MaxValue;
    }

    public int TokensPerMinute { get; }

    public RateLimiter? Concurrency { get; }

    public RateLimiter? Requests { get; }

    public RateLimiter? Tokens { get; }

    // Refilled every second rather than once a minute, so a budget is spread over the minute instead of spent in a burst
    // followed by a minute of silence.
    private static RateLimiter? PerMinute(int? perMinute, string key, IModelCoordination? coordination) => perMinute is > 0 and var limit
        ? coordination?.CreatePerMinuteLimiter(key, limit) ?? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(limit / 60.0)),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        })
        : null;

    public void Dispose()
    {
        Concurrency?.Dispose();
        Requests?.Dispose();
        Tokens?.Dispose();
    }
}
