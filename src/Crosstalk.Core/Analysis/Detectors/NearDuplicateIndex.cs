using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Crosstalk.Analysis;

/// <summary>
/// Finds, for each message in turn, the earlier messages whose shingle similarity reaches a threshold, without comparing
/// every pair: prefix filtering. Each set's shingles are ordered rarest first (across the whole conversation); two sets
/// with Jaccard similarity ≥ t always share one of the first <c>|x| − ⌈t·|x|⌉ + 1</c> shingles of each, so only messages
/// that share such a shingle are compared, and only those whose sizes allow the threshold.
/// </summary>
/// <remarks>
/// Work per message is bounded: only the <see cref="MaxCandidates"/> latest messages that hold a shingle are read for it, and a message is
/// compared with at most that many (the latest first), each comparison a merge no longer than twice the message (the size
/// filter). A conversation stuck on one reply thousands of times is reported pair by pair for its latest copies only.
/// </remarks>
internal sealed class NearDuplicateIndex : IDisposable
{
    /// <summary>How many earlier messages one message is compared with at most.</summary>
    public const int MaxCandidates = 64;

    private readonly double _threshold;
    private readonly IReadOnlyList<ShingleSet> _sets;
    private Tables? _tables;
    private readonly Dictionary<ulong, int> _frequency;
    // Each shingle's messages as a list linked from its latest (one flat list for all shingles); only the latest MaxCandidates are read.
    private readonly Dictionary<ulong, int> _latest;
    private readonly List<(int Position, int Earlier)> _postings;
    private readonly HashSet<int> _seen;

    /// <param name="threshold">The similarity from which two messages count, above 0.</param>
    /// <param name="sets">Every message's shingles, by position.</param>
    /// <param name="compared">Which positions take part.</param>
    public NearDuplicateIndex(double threshold, IReadOnlyList<ShingleSet> sets, Func<int, bool> compared)
    {
        _threshold = threshold;
        _sets = sets;

        // Sized once for every shingle (grown by doubling, it was the analysis's largest allocation), in the thread's spare
        // tables when it has them (ThreadSpare).
        var shingles = 0;
        for (var i = 0; i < sets.Count; i++)
        {
            shingles += compared(i) ? sets[i].Count : 0;
        }

        var tables = ThreadSpare<Tables>.Take(shingles) ?? new Tables();
        _tables = tables;
        (_frequency, _latest, _postings, _seen) = (tables.Frequency, tables.Latest, tables.Postings, tables.Seen);
        _frequency.EnsureCapacity(shingles);
        for (var i = 0; i < sets.Count; i++)
        {
            if (compared(i))
            {
                foreach (var hash in sets[i].Hashes)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(_frequency, hash, out _)++;
                }
            }
        }

        _latest.EnsureCapacity(_frequency.Count);
        _postings.EnsureCapacity(shingles);
    }

    /// <summary>Gives the tables back to the thread (<see cref="ThreadSpare{T}.Give"/>), once.</summary>
    public void Dispose() => ThreadSpare<Tables>.Give(ref _tables);

    /// <summary>
    /// The earlier positions that share one of message <paramref name="position"/>'s rarest shingles and whose sizes allow
    /// the threshold, latest first, at most <see cref="MaxCandidates"/>; then adds the message, for the later ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<int> CandidatesThenAdd(int position)
    {
        var set = _sets[position];
        var prefix = Prefix(set);
        _seen.Clear();
        var candidates = new List<int>();
        var postings = CollectionsMarshal.AsSpan(_postings);
        foreach (var hash in prefix)
        {
            if (!_latest.TryGetValue(hash, out var latest))
            {
                continue;
            }

            for (int at = latest, taken = 0; at >= 0 && taken < MaxCandidates; at = postings[at].Earlier, taken++)
            {
                var earlier = postings[at].Position;
                var size = _sets[earlier].Count;
                if (size >= _threshold * set.Count && set.Count >= _threshold * size && _seen.Add(earlier))
                {
                    candidates.Add(earlier);
                }
            }
        }

        candidates.Sort((a, b) => b.CompareTo(a));
        if (candidates.Count > MaxCandidates)
        {
            candidates.RemoveRange(MaxCandidates, candidates.Count - MaxCandidates);
        }

        foreach (var hash in prefix)
        {
            ref var latest = ref CollectionsMarshal.GetValueRefOrAddDefault(_latest, hash, out var exists);
            _postings.Add((position, exists ? latest : -1));
            latest = _postings.Count - 1;
        }

        return candidates;
    }

    /// <summary>The index's working tables, kept empty between analyses.</summary>
    private sealed class Tables : ThreadSpare.ITables
    {
        public Dictionary<ulong, int> Frequency { get; } = [];

        public Dictionary<ulong, int> Latest { get; } = [];

        public List<(int Position, int Earlier)> Postings { get; } = [];

        public HashSet<int> Seen { get; } = [];

        public int Entries => Math.Max(Math.Max(Frequency.EnsureCapacity(0), Latest.EnsureCapacity(0)), Postings.Capacity);

        public void Clear()
        {
            Frequency.Clear();
            Latest.Clear();
            Postings.Clear();
            Seen.Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ulong[] Prefix(ShingleSet set)
    {
        var hashes = set.Hashes;
        var length = hashes.Length - (int)Math.Ceiling(_threshold * hashes.Length - 1e-9) + 1;
        var ordered = new (int Frequency, ulong Hash)[hashes.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            ordered[i] = (_frequency.GetValueOrDefault(hashes[i]), hashes[i]);
        }

        Array.Sort(ordered);
        var prefix = new ulong[Math.Clamp(length, 1, hashes.Length)];
        for (var i = 0; i < prefix.Length; i++)
        {
            prefix[i] = ordered[i].Hash;
        }

        return prefix;
    }
}
