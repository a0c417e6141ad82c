namespace Crosstalk.Cluster.Grains;

/// <inheritdoc cref="ICircuitGrain" />
internal sealed class CircuitGrain : Grain, ICircuitGrain
{
    private readonly Dictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);

    public Task OpenedAsync(string endpoint, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!_open.TryGetValue(endpoint, out var known) || known < until)
        {
            _open[endpoint] = until;
        }

        return Task.CompletedTask;
    }

    public Task<Dictionary<string, DateTimeOffset>> GetOpenAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var closed in _open.Where(o => o.Value <= now).Select(o => o.Key).ToList())
        {
            _open.Remove(closed);
        }

        return Task.FromResult(new Dictionary<string, DateTimeOffset>(_open, StringComparer.Ordinal));
    }
}
