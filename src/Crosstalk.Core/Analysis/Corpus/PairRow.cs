namespace Crosstalk.Analysis;

/// <summary>What one pair of models did across a corpus, whichever spoke first.</summary>
/// <param name="Pair">The two models, sorted, joined by " ↔ ".</param>
/// <param name="Conversations">Conversations between them.</param>
/// <param name="MeanMessages">Mean conversation length.</param>
/// <param name="RefusalRate">Share of conversations with at least one refusal.</param>
/// <param name="GoodbyeLoopRate">Share of conversations that fell into a goodbye loop.</param>
/// <param name="EndTokenRate">Share of conversations in which an end token was sent.</param>
/// <param name="MeanMessagesAfterFirstEnd">Mean messages after the first end signal, over conversations that had one.</param>
/// <param name="TokensAfterFirstEnd">Output tokens produced after the first end signal.</param>
/// <param name="CostAfterFirstEnd">Recorded cost after the first end signal, when recorded.</param>
public sealed record PairRow(
    string Pair,
    int Conversations,
    double MeanMessages,
    double RefusalRate,
    double GoodbyeLoopRate,
    double EndTokenRate,
    double MeanMessagesAfterFirstEnd,
    long TokensAfterFirstEnd,
    decimal? CostAfterFirstEnd);
