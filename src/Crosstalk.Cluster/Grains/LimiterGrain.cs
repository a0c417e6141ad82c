namespace Crosstalk.Cluster.Grains;

/// <inheritdoc cref="ILimiterGrain" />
/// <remarks>
/// Reentrant, so that a caller waiting for a permit does not hold up the release that frees one: waiters queue in
/// order and each release hands its permit to the first of them. Permits are kept by holder; when the limit is reached,
/// the permits of silos the cluster declared dead are taken back. The count lives in this grain's memory: if its silo
/// dies, the grain starts again elsewhere with no permit out, and for as long as the replies then in flight last, up to
/// twice the limit may run.
/// </remarks>
[Reentrant]
internal sealed class LimiterGrain(IClusterMembershipService membership) : Grain, ILimiterGrain
{
    private readonly Dictionary<Guid, string> _held = [];
    private readonly LinkedList<Waiter> _waiters = new();
    private int _limit = 1;
    private double _tokens = double.NaN;
    private long _refilled;

    public async Task<bool> AcquireAsync(int limit, Guid permit, string holder, TimeSpan wait)
    {
        _limit = Math.Max(1, limit);
        if (_held.ContainsKey(permit))
        {
            return true;
        }

        if (_held.Count >= _limit)
        {
            TakeBackFromDeadHolders();
        }

        if (_held.Count < _limit && _waiters.Count == 0)
        {
            _held[permit] = holder;
            return true;
        }

        var waiter = new Waiter(permit, holder);
        var node = _waiters.AddLast(waiter);
        await Task.WhenAny(waiter.Granted.Task, Task.Delay(wait));
        if (waiter.Granted.Task.IsCompleted)
        {
            // Granted, possibly by a release that ran after the wait was over but before this turn.
            return true;
        }

        // Not granted in time: it leaves the queue (the grain runs one turn at a time, so no release can grant it now).
        _waiters.Remove(node);
        return false;
    }

    public Task ReleaseAsync(Guid permit)
    {
        if (_held.Remove(permit))
        {
            GrantWaiting();
        }

        return Task.CompletedTask;
    }

    public Task<TimeSpan> TryTakeAsync(int perMinute, int count)
    {
        // A token bucket of a minute's budget, refilled continuously (as the local limiter refills every second).
        var capacity = Math.Max(1, perMinute);
        var perSecond = capacity / 60.0;
        var now = Environment.TickCount64;
        _tokens = double.IsNaN(_tokens) ? capacity : Math.Min(capacity, _tokens + ((now - _refilled) / 1000.0 * perSecond));
        _refilled = now;
        var wanted = Math.Clamp(count, 1, capacity);
        if (_tokens >= wanted)
        {
            _tokens -= wanted;
            return Task.FromResult(TimeSpan.Zero);
        }

        return Task.FromResult(TimeSpan.FromSeconds(Math.Max(0.05, (wanted - _tokens) / perSecond)));
    }

    private void GrantWaiting()
    {
        while (_held.Count < _limit && _waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _held[first.Value.Permit] = first.Value.Holder;
            first.Value.Granted.TrySetResult();
        }
    }

    private void TakeBackFromDeadHolders()
    {
        var snapshot = membership.CurrentSnapshot;
        var dead = _held.Values.Distinct(StringComparer.Ordinal)
            .Where(h => SiloAddress.TryParse(h, out var silo) && snapshot.GetSiloStatus(silo) == SiloStatus.Dead)
            .ToHashSet(StringComparer.Ordinal);
        if (dead.Count == 0)
        {
            return;
        }

        foreach (var permit in _held.Where(h => dead.Contains(h.Value)).Select(h => h.Key).ToList())
        {
            _held.Remove(permit);
        }

        GrantWaiting();
    }

    private sealed record Waiter(Guid Permit, string Holder)
    {
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
