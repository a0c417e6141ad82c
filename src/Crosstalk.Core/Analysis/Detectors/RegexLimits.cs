namespace Crosstalk.Analysis;

/// <summary>How long a detector's pattern may take on one message.</summary>
internal static class RegexLimits
{
    /// <summary>
    /// The detectors' patterns take time linear in their input (anchored, bounded, or run without backtracking), so this
    /// is a backstop against a mistake in a pattern, not a limit a message should meet: it is measured in wall time, and
    /// at 200 ms a loaded machine (a garbage collection, starved threads) once made a conversation page fail.
    /// </summary>
    public const int MatchTimeoutMilliseconds = 5_000;
}
