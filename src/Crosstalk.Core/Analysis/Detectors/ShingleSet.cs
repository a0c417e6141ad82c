using System.Runtime.CompilerServices;

namespace Crosstalk.Analysis;

/// <summary>
/// The word 3-gram shingles of one text, hashed and sorted, so that many comparisons against it cost a merge
/// each. Compute it once per message and keep it.
/// </summary>
/// <remarks>
/// Words are runs of letters and digits, compared case-insensitively; punctuation, emoji and white space only
/// separate them. A text of one or two words is a single shingle of those words; a text without words has none.
/// Hashes are 64-bit FNV-1a, stable across processes.
/// </remarks>
public sealed class ShingleSet
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    private readonly ulong[] _hashes;

    private ShingleSet(ulong[] hashes) => _hashes = hashes;

    /// <summary>A set without shingles.</summary>
    public static ShingleSet Empty { get; } = new([]);

    /// <summary>The number of distinct shingles.</summary>
    public int Count => _hashes.Length;

    /// <summary>The shingles' hashes, ascending.</summary>
    internal ReadOnlySpan<ulong> Hashes => _hashes;

    /// <summary>Computes the shingles of <paramref name="text"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ShingleSet Create(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var words = new List<ulong>();
        var hash = FnvOffset;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                var lower = char.ToLowerInvariant(c);
                hash = (hash ^ (byte)lower) * FnvPrime;
                hash = (hash ^ (byte)(lower >> 8)) * FnvPrime;
                inWord = true;
            }
            else if (inWord)
            {
                words.Add(hash);
                hash = FnvOffset;
                inWord = false;
            }
        }

        if (inWord)
        {
            words.Add(hash);
        }

        if (words.Count == 0)
        {
            return Empty;
        }

        if (words.Count < 3)
        {
            var single = FnvOffset;
            foreach (var word in words)
            {
                single = Mix(single, word);
            }

            return new ShingleSet([single]);
        }

        var shingles = new ulong[words.Count - 2];
        for (var i = 0; i < shingles.Length; i++)
        {
            shingles[i] = Mix(Mix(Mix(FnvOffset, words[i]), words[i + 1]), words[i + 2]);
        }

        Array.Sort(shingles);
        var distinct = 1;
        for (var i = 1; i < shingles.Length; i++)
        {
            if (shingles[i] != shingles[distinct - 1])
            {
                shingles[distinct++] = shingles[i];
            }
        }

        return new ShingleSet(distinct == shingles.Length ? shingles : shingles[..distinct]);
    }

    /// <summary>
    /// The Jaccard similarity of the two sets: shared shingles over all distinct shingles, 0..1.
    /// Zero when either set is empty.
    /// </summary>
    public double Similarity(ShingleSet other)
    {
        ArgumentNullException.ThrowIfNull(other);

        var a = _hashes;
        var b = other._hashes;
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return (double)shared / (a.Length + b.Length - shared);
    }

    /// <summary>
    /// A MinHash signature of <paramref name="count"/> values: the share of positions where two signatures agree estimates
    /// the two sets' Jaccard similarity, so large collections can be compared without keeping their shingles. Empty sets
    /// have all-maximum signatures.
    /// </summary>
    public ulong[] MinHash(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var signature = new ulong[count];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var hash in _hashes)
        {
            for (var i = 0; i < count; i++)
            {
                // One hash function per position: the shingle's hash re-mixed with the position (splitmix64's finaliser).
                var x = hash + (ulong)(i + 1) * 0x9E3779B97F4A7C15;
                x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
                x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
                x ^= x >> 31;
                if (x < signature[i])
                {
                    signature[i] = x;
                }
            }
        }

        return signature;
    }

    private static ulong Mix(ulong seed, ulong value) => (seed ^ value) * FnvPrime + (value >> 29);
}
