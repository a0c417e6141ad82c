namespace Crosstalk.Cli.Batch;

/// <summary>
/// Everything needed to run (or resume) one conversation of a batch, stored as JSON beside it: a resume
/// rebuilds the same seats, prompts, options, stop policy and seed from it.
/// </summary>
internal sealed record BatchConversationSpec
{
    /// <summary>The experiment's stable key for this conversation.</summary>
    public required string Key { get; init; }

    /// <summary>1-based position in the experiment's expansion.</summary>
    public required int Number { get; init; }

    /// <summary>1-based repetition (the original system's <c>run{n}</c>).</summary>
    public required int Repetition { get; init; }

    /// <summary>The seed the offline agents of this conversation use.</summary>
    public required int Seed { get; init; }

    /// <summary>The seats, seat 1 (the opener's) first.</summary>
    public required IReadOnlyList<BatchSeat> Seats { get; init; }

    /// <summary>The opener; null for none.</summary>
    public string? Opener { get; init; }

    /// <summary>When the conversation stops.</summary>
    public required BatchStop Stop { get; init; }

    /// <summary>The original-format Markdown file rewritten after every message, if any.</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>The original-format JSON file rewritten after every message, if any.</summary>
    public string? JsonPath { get; init; }
}
