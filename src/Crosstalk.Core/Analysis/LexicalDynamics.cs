namespace Crosstalk.Analysis;

/// <summary>How the conversation's language moved.</summary>
/// <param name="LengthTrend">Least-squares slope of message length, in words per message (negative: messages shrink).</param>
/// <param name="MeanTypeTokenRatio">Mean per-message type–token ratio.</param>
/// <param name="MeanCompressionRatio">Mean per-message compression ratio.</param>
/// <param name="FinalDrift">Drift of the last quarter of the conversation from its opening, 0 (same words) to 1 (none shared).</param>
/// <param name="Emoji">Emoji in the whole conversation.</param>
/// <param name="TopEmoji">The most used emoji, most used first.</param>
public sealed record LexicalDynamics(
    double LengthTrend,
    double MeanTypeTokenRatio,
    double MeanCompressionRatio,
    double FinalDrift,
    int Emoji,
    IReadOnlyList<string> TopEmoji);
