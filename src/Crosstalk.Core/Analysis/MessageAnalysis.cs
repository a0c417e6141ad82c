namespace Crosstalk.Analysis;

/// <summary>Measures of one message.</summary>
/// <param name="Index">The message (1-based).</param>
/// <param name="Seat">The seat that sent it.</param>
/// <param name="Words">Its length in words.</param>
/// <param name="Characters">Its length in characters.</param>
/// <param name="TypeTokenRatio">Distinct words over words.</param>
/// <param name="CompressionRatio">UTF-8 size over Deflate size.</param>
/// <param name="Emoji">Emoji it holds.</param>
/// <param name="EndToken">Whether it ends with the end token.</param>
/// <param name="Farewell">Whether it only says goodbye.</param>
/// <param name="Refusal">Whether it declines.</param>
/// <param name="Drift">1 − cosine similarity of its content words to the opening messages'.</param>
/// <param name="Echo">Share of its content words that the previous message (another seat's) used.</param>
/// <param name="Garbled">Garbled words in it.</param>
public sealed record MessageAnalysis(
    int Index,
    int Seat,
    int Words,
    int Characters,
    double TypeTokenRatio,
    double CompressionRatio,
    int Emoji,
    bool EndToken,
    bool Farewell,
    bool Refusal,
    double Drift,
    double Echo,
    IReadOnlyList<string> Garbled);
