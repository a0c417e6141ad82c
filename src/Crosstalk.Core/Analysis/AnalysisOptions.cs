namespace Crosstalk.Analysis;

/// <summary>Settings of the deterministic transcript analysis. The defaults suit the seed transcripts.</summary>
public sealed class AnalysisOptions
{
    /// <summary>The end token the conversation used. Default <c>[END]</c>.</summary>
    public string EndToken { get; set; } = "[END]";

    /// <summary>
    /// Shingle similarity from which two messages are near duplicates. Default 0.5: on the labelled set of
    /// docs/analysis.md (30 public transcripts) it finds 95 % of the messages readers marked as near copies (an echo with a
    /// paragraph added, a reply with a few words swapped) and nothing they did not; 0.8 found 67 %.
    /// </summary>
    public double NearDuplicateThreshold { get; set; } = 0.5;

    /// <summary>Messages with fewer words are not compared for near duplicates ("Take care." twice is no repetition). Default 8.</summary>
    public int NearDuplicateMinWords { get; set; } = 8;

    /// <summary>The fewest messages a goodbye loop has. Default 6.</summary>
    public int GoodbyeLoopMinLength { get; set; } = 6;

    /// <summary>
    /// How many non-farewell messages in a row a goodbye loop may contain (at least half of its messages are farewells).
    /// Default 2: both sides saying goodbye and then each adding a little more, again and again, is one loop.
    /// </summary>
    public int GoodbyeLoopMaxGap { get; set; } = 2;

    /// <summary>How many substantive messages form the "opening" that drift is measured from. Default 4.</summary>
    public int OpeningMessages { get; set; } = 4;

    /// <summary>How many distinctive words and emoji to list per seat. Default 10.</summary>
    public int TopCount { get; set; } = 10;

    /// <summary>Whether the first message is an opener (never an end signal, a refusal or a farewell). Default true.</summary>
    public bool FirstMessageIsOpener { get; set; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(EndToken, nameof(EndToken));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NearDuplicateThreshold, 0.0, nameof(NearDuplicateThreshold));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(NearDuplicateThreshold, 1.0, nameof(NearDuplicateThreshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(NearDuplicateMinWords, 1, nameof(NearDuplicateMinWords));
        ArgumentOutOfRangeException.ThrowIfLessThan(GoodbyeLoopMinLength, 2, nameof(GoodbyeLoopMinLength));
        ArgumentOutOfRangeException.ThrowIfNegative(GoodbyeLoopMaxGap, nameof(GoodbyeLoopMaxGap));
        ArgumentOutOfRangeException.ThrowIfLessThan(OpeningMessages, 1, nameof(OpeningMessages));
        ArgumentOutOfRangeException.ThrowIfLessThan(TopCount, 1, nameof(TopCount));
    }
}
