namespace Crosstalk.Cli.Batch;

/// <summary>
/// A run as stored with it: its settings and every planned conversation, so a resume can finish a run even if the
/// process died while the conversations were still being created.
/// </summary>
internal sealed record BatchRunSpec
{
    public required string Name { get; init; }

    public string? Source { get; init; }

    public required int Concurrency { get; init; }

    public decimal? CostCeiling { get; init; }

    public string? OutputDirectory { get; init; }

    public required IReadOnlyList<BatchConversationSpec> Conversations { get; init; }
}
