namespace Crosstalk.Models.Offline;

/// <summary>
/// A SplitMix64 generator plus FNV-1a hashing: the same numbers on every platform and runtime version,
/// which <see cref="Random"/> and <see cref="string.GetHashCode()"/> do not promise.
/// </summary>
internal sealed class StableRandom
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private ulong _state;

    public StableRandom(ulong seed)
    {
        _state = seed;
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="text"/>, continuing from <paramref name="hash"/>.</summary>
    public static ulong Fnv(string text, ulong hash = FnvOffset)
    {
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * FnvPrime;
            hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
        }

        return hash;
    }

    /// <summary>Mixes a user seed with a hash so nearby seeds give unrelated streams.</summary>
    public static ulong Mix(int seed, ulong hash)
    {
        var generator = new StableRandom(hash ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
        return generator.NextUInt64();
    }
}
