using System.Runtime.InteropServices;

namespace Crosstalk.Analysis;

/// <summary>
/// Each message's highest shingle similarity to one of its seat's latest <c>window</c> earlier messages, found through the
/// shingles they share (an inverted index) instead of by comparing it with each of them: the same values, with work per
/// message at most its shingles times the window, and close to its shingles alone when it shares few with the others.
/// </summary>
internal sealed class SelfRepetitionIndex(int window)
{
    private readonly Dictionary<ulong, List<int>> _postings = [];
    private readonly List<int> _sizes = [];
    private readonly Dictionary<int, int> _shared = [];

    /// <summary>The highest similarity of <paramref name="set"/> to the window's messages (0 when none shares a shingle); then the message joins them.</summary>
    public double Add(ShingleSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var position = _sizes.Count;
        _shared.Clear();
        foreach (var hash in set.Hashes)
        {
            if (_postings.TryGetValue(hash, out var list))
            {
                // Positions are added in order, so the window's are at the end of the list.
                for (var k = list.Count - 1; k >= 0 && list[k] >= position - window; k--)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(_shared, list[k], out _)++;
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
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_postings, hash, out _);
            (list ??= []).Add(position);
        }

        _sizes.Add(set.Count);
        return best;
    }
}
