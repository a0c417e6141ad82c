namespace Crosstalk.Analysis;

/// <summary>How long a detector's pattern may take on one message.</summary>
internal static class RegexLimits
{
    /// <summary>
    /// The detectors' patterns run without backtracking (<c>RegexOptions.NonBacktracking</c>: time linear in the input
    /// whatever it holds; the words of the garbled-word pass are found by a scanner), so this is a backstop against a
    /// mistake, not a limit a message should meet: it is measured in wall time, and
    /// at 200 ms a loaded machine (a garbage collection, starved threads) once made a conversation page fail.
    /// </summary>
    public const int MatchTimeoutMilliseconds = 5_000;
}
