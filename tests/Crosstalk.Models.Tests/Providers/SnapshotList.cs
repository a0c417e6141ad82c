namespace Crosstalk.Models.Tests.Providers;

/// <summary>A list that other threads append to while a test reads copies of it.</summary>
internal sealed class SnapshotList<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _items = [];

    /// <summary>Appends <paramref name="item"/>; returns how many items there are now.</summary>
    public int Add(T item)
    {
        lock (_gate)
        {
            _items.Add(item);
            return _items.Count;
        }
    }

    /// <summary>A copy of the items so far.</summary>
    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }
}
