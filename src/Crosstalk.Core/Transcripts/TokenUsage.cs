namespace Crosstalk.Transcripts;

/// <summary>Token counts for one message.</summary>
/// <param name="InputTokens">Prompt tokens sent.</param>
/// <param name="OutputTokens">Completion tokens received (including reasoning tokens, where the provider counts them).</param>
/// <param name="ReasoningTokens">Of the output, how many were reasoning, when reported.</param>
/// <param name="Estimated">True when the counts were estimated locally because the provider reported none.</param>
public sealed record TokenUsage(long InputTokens, long OutputTokens, long? ReasoningTokens = null, bool Estimated = false)
{
    /// <summary>Input plus output tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
