using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Crosstalk.Cluster.Grains;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Cluster.Coordination;

/// <summary>
/// A silo's side of the limits every silo shares: a model's <c>concurrency</c>, <c>rpm</c> and <c>tpm</c> are counted by
/// limiter grains (one per model and kind, for the whole cluster, not per silo), and a circuit that opens for an
/// endpoint on one silo is told to the circuit grain, which every silo reads once a second.
/// </summary>
internal sealed partial class ClusterCoordination(IGrainFactory grains, ILocalSiloDetails silo, ILogger<ClusterCoordination> logger) : IModelCoordination, IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _refreshing;

    public RateLimiter CreateConcurrencyLimiter(string key, int permits) =>
        new ClusterConcurrencyLimiter(grains.GetGrain<ILimiterGrain>(key), permits, silo.SiloAddress.ToParsableString());

    public RateLimiter CreatePerMinuteLimiter(string key, int perMinute) =>
        new ClusterPerMinuteLimiter(grains.GetGrain<ILimiterGrain>(key), perMinute);

    public void CircuitOpened(string endpoint, DateTimeOffset until)
    {
        _open[endpoint] = until;
        _ = grains.GetGrain<ICircuitGrain>(0).OpenedAsync(endpoint, until);
    }

    public DateTimeOffset? CircuitOpenUntil(string endpoint)
    {
        // Asked before every attempt: answered from what the last refresh read; the refreshing starts with the first question.
        if (Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }

        return _open.TryGetValue(endpoint, out var until) ? until : null;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task RefreshAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                var open = await grains.GetGrain<ICircuitGrain>(0).GetOpenAsync();
                foreach (var (endpoint, until) in open)
                {
                    _open[endpoint] = until;
                }

                foreach (var closed in _open.Keys.Where(k => !open.ContainsKey(k)).ToList())
                {
                    if (_open.TryGetValue(closed, out var until) && until <= DateTimeOffset.UtcNow)
                    {
                        _open.TryRemove(closed, out _);
                    }
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                LogRefreshFailed(logger, ex.Message);
            }

            try
            {
                await Task.Delay(Refresh, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Open circuits not read: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
