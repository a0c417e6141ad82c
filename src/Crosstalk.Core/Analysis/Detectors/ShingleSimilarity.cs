namespace Crosstalk.Analysis;

/// <summary>
/// Near-duplicate detection by word 3-gram shingles and Jaccard similarity. Seed 001's messages 9 and 11
/// (a question asked twice with a different first line) score about 0.94; its messages 80 and 94 score 1.
/// </summary>
/// <remarks>To compare one message against many, compute each <see cref="ShingleSet"/> once.</remarks>
public static class ShingleSimilarity
{
    /// <summary>The threshold from which two messages count as nearly identical.</summary>
    public const double NearDuplicateThreshold = 0.9;

    /// <summary>The shingle similarity of two texts, 0..1 (0 when either has no words).</summary>
    public static double Similarity(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ShingleSet.Create(a).Similarity(ShingleSet.Create(b));
    }
}
