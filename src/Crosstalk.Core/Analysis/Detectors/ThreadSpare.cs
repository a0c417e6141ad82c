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

    /// <summary>The spare, empty, or null when the thread has none (or another analysis on it holds it).</summary>
    public static T? Take()
    {
        var spare = t_spare;
        t_spare = null;
        return spare;
    }

    /// <summary>Empties <paramref name="tables"/> and keeps them for the thread's next analysis, unless they grew past <see cref="ThreadSpare.MostEntries"/>.</summary>
    public static void Give(T tables)
    {
        if (tables.Entries <= ThreadSpare.MostEntries)
        {
            tables.Clear();
            t_spare = tables;
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

    /// <summary>A set of working tables that can be kept for another analysis.</summary>
    internal interface ITables
    {
        /// <summary>The most entries one of the tables has room for.</summary>
        int Entries { get; }

        /// <summary>Empties every table, keeping its room.</summary>
        void Clear();
    }
}
