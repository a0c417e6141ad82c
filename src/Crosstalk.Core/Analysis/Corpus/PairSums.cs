namespace Crosstalk.Analysis;

/// <summary>The running sums of one pair's row in the corpus tables (see <see cref="CorpusSums"/>).</summary>
public sealed class PairSums
{
    public int Conversations { get; set; }

    public long Messages { get; set; }

    /// <summary>Conversations with at least one refusal.</summary>
    public int Refused { get; set; }

    public int Loops { get; set; }

    /// <summary>Conversations with an end signal.</summary>
    public int WithEnd { get; set; }

    public long AfterFirstEnd { get; set; }

    public long TokensAfterFirstEnd { get; set; }

    public decimal? CostAfterFirstEnd { get; set; }
}
