namespace Crosstalk.Analysis;

/// <summary>
/// One spare of a kind of working table per thread, for the next analysis on that thread. The shingle indexes are sized
/// for a whole conversation's shingles: made new for each conversation they were large objects, and an import of a folder
/// paid a full collection every few conversations for them. An analysis runs on one thread from start to end, so the
/// spare is never shared; whoever takes it gives it back only if it is small enough to keep (<see cref="ThreadSpare.MostEntries"/>).
/// </summary>
internal static class ThreadSpare<T>
    where T : class
{
    [ThreadStatic]
    private static T? t_spare;

    /// <summary>The spare, or null when the thread has none (or another analysis on it holds it).</summary>
    public static T? Take()
    {
        var spare = t_spare;
        t_spare = null;
        return spare;
    }

    /// <summary>Keeps <paramref name="tables"/> for the thread's next analysis.</summary>
    public static void Give(T tables) => t_spare = tables;
}

/// <summary>How large a spare table a thread keeps (entries): about 3 MB a hash table.</summary>
internal static class ThreadSpare
{
    public const int MostEntries = 1 << 17;
}
