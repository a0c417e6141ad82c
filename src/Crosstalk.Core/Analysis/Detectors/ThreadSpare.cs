namespace Crosstalk.Analysis;

/// <summary>
/// One spare of a kind of working table per thread, for the next analysis on that thread. The shingle indexes are sized
/// for a whole conversation's shingles: made new for each conversation they were large objects, and an import of a folder
/// paid a full collection every few conversations for them. An analysis runs on one thread from start to end, so the
/// spare is never shared.
/// </summary>
internal static class ThreadSpare<T>
    where T : class, ThreadSpare.ITables
{
    [ThreadStatic]
    private static T? t_spare;

    /// <summary>
    /// The spare, empty, for tables that must hold <paramref name="entries"/>; null when they are too small to be worth
    /// it (<see cref="ThreadSpare.LeastEntries"/>: a new one is no large object, and emptying a spare costs its whole
    /// room), or when the thread has none (or another index on it holds it).
    /// </summary>
    public static T? Take(int entries)
    {
        if (entries < ThreadSpare.LeastEntries)
        {
            return null;
        }

        var spare = t_spare;
        t_spare = null;
        return spare;
    }

    /// <summary>
    /// Empties <paramref name="tables"/> and keeps them for the thread's next analysis when they are large objects
    /// (<see cref="ThreadSpare.LeastEntries"/>) no larger than <see cref="ThreadSpare.MostEntries"/>; small ones are let
    /// go, so that a small index after a large one does not take the large one's place.
    /// </summary>
    /// <param name="tables">The tables an index held; null once given back, so that they are given back once.</param>
    public static void Give(ref T? tables)
    {
        if (tables is { } given)
        {
            tables = null;
            if (given.Entries is >= ThreadSpare.LeastEntries and <= ThreadSpare.MostEntries)
            {
                given.Clear();
                t_spare = given;
            }
        }
    }
}

/// <summary>What a thread's spare tables are.</summary>
internal static class ThreadSpare
{
    /// <summary>
    /// How large a spare table a thread keeps (entries): about 1.5 MB a hash table, a few MB a thread at most (a server runs
    /// analyses on many threads); a conversation with more shingles than this has tables of its own, as before.
    /// </summary>
    public const int MostEntries = 1 << 16;

    /// <summary>From how many entries tables are taken from the spare: a hash table this size is a large object.</summary>
    public const int LeastEntries = 3_500;

    /// <summary>A set of working tables that can be kept for another analysis.</summary>
    internal interface ITables
    {
        /// <summary>The most entries one of the large tables (the hash tables, the posting list) has room for.</summary>
        int Entries { get; }

        /// <summary>Empties every table, keeping its room.</summary>
        void Clear();
    }
}
