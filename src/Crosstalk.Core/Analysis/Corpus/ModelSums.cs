namespace Crosstalk.Analysis;

/// <summary>The running sums of one model's row in the corpus tables (see <see cref="CorpusSums"/>).</summary>
public sealed class ModelSums
{
    public int Conversations { get; set; }

    public long Messages { get; set; }

    public long Words { get; set; }

    public long Refusals { get; set; }

    /// <summary>Conversations in which it declined at least once.</summary>
    public int Refused { get; set; }

    public int Loops { get; set; }

    /// <summary>Conversations in which it sent the first end token.</summary>
    public int FirstToEnd { get; set; }

    /// <summary>Its conversations that had an end signal.</summary>
    public int WithEnd { get; set; }

    public long AfterFirstEnd { get; set; }

    public long TokensAfterFirstEnd { get; set; }

    public decimal? CostAfterFirstEnd { get; set; }

    public long Emoji { get; set; }

    public long Garbled { get; set; }

    public long Judged { get; set; }

    public Dictionary<string, int> WordCounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> EmojiCounts { get; } = new(StringComparer.Ordinal);
}
