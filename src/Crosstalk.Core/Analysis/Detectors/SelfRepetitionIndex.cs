using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Crosstalk.Analysis;

/// <summary>
/// Each message's highest shingle similarity to one of its seat's latest <c>window</c> earlier messages, found through the
/// shingles they share (an inverted index) instead of by comparing it with each of them: the same values, with work per
/// message at most its shingles times the window, and close to its shingles alone when it shares few with the others.
/// </summary>
internal sealed class SelfRepetitionIndex : IDisposable
{
    private readonly int _window;
    private Tables? _tables;
    // Each shingle's postings as a list linked from its latest (one flat list for all: no list per shingle).
    private readonly Dictionary<ulong, int> _latest;
    private readonly List<Posting> _postings;
    private readonly List<int> _sizes;
    private readonly Dictionary<int, int> _shared;

    /// <param name="window">How many of the latest messages each one is compared with.</param>
    /// <param name="shingles">How many shingles the messages to be added hold together (sizes the index once; grown by
    /// doubling, its tables were a large part of what the analysis allocates).</param>
    public SelfRepetitionIndex(int window, int shingles = 0)
    {
        // In the thread's spare tables when it has them (ThreadSpare).
        _window = window;
        var tables = ThreadSpare<Tables>.Take(shingles) ?? new Tables();
        _tables = tables;
        (_latest, _postings, _sizes, _shared) = (tables.Latest, tables.Postings, tables.Sizes, tables.Shared);
        _latest.EnsureCapacity(shingles);
        _postings.EnsureCapacity(shingles);
    }

    /// <summary>Gives the tables back to the thread (<see cref="ThreadSpare{T}.Give"/>), once.</summary>
    public void Dispose() => ThreadSpare<Tables>.Give(ref _tables);

    /// <summary>The highest similarity of <paramref name="set"/> to the window's messages (0 when none shares a shingle); then the message joins them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Add(ShingleSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var position = _sizes.Count;
        _shared.Clear();
        foreach (var hash in set.Hashes)
        {
            if (_latest.TryGetValue(hash, out var at))
            {
                // Positions are added in order, so the window's are the latest.
                var postings = CollectionsMarshal.AsSpan(_postings);
                for (; at >= 0 && postings[at].Position >= position - _window; at = postings[at].Earlier)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(_shared, postings[at].Position, out _)++;
                }
            }
        }

        var best = 0.0;
        foreach (var (earlier, shared) in _shared)
        {
            best = Math.Max(best, (double)shared / (set.Count + _sizes[earlier] - shared));
        }

        foreach (var hash in set.Hashes)
        {
            ref var latest = ref CollectionsMarshal.GetValueRefOrAddDefault(_latest, hash, out var exists);
            _postings.Add(new Posting(position, exists ? latest : -1));
            latest = _postings.Count - 1;
        }

        _sizes.Add(set.Count);
        return best;
    }

    /// <summary>A message that holds a shingle, and the shingle's posting before it (-1 for none).</summary>
    private readonly record struct Posting(int Position, int Earlier);

    /// <summary>The index's working tables, kept empty between analyses.</summary>
    private sealed class Tables : ThreadSpare.ITables
    {
        public Dictionary<ulong, int> Latest { get; } = [];

        public List<Posting> Postings { get; } = [];

        public List<int> Sizes { get; } = [];

        public Dictionary<int, int> Shared { get; } = [];

        public int Entries => Math.Max(Latest.EnsureCapacity(0), Postings.Capacity);

        public void Clear()
        {
            Latest.Clear();
            Postings.Clear();
            Sizes.Clear();
            Shared.Clear();
        }
    }
}
