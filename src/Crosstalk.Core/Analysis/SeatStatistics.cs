namespace Crosstalk.Analysis;

/// <summary>What one seat did over a conversation.</summary>
/// <param name="Seat">The seat number.</param>
/// <param name="Name">The participant's display name.</param>
/// <param name="Model">The model that answered for the seat, when known.</param>
/// <param name="Messages">Messages sent (the opener counts for its seat).</param>
/// <param name="Words">Words sent.</param>
/// <param name="Tokens">Output tokens: as recorded, or estimated (about four characters a token) when none were.</param>
/// <param name="TokensEstimated">Whether any of <paramref name="Tokens"/> is an estimate.</param>
/// <param name="MeanWords">Mean message length in words.</param>
/// <param name="MedianWords">Median message length in words.</param>
/// <param name="MeanLatencySeconds">Mean recorded latency, when recorded.</param>
/// <param name="Cost">Recorded cost in US dollars, when recorded.</param>
/// <param name="EndTokens">Messages that end with the end token.</param>
/// <param name="Farewells">Messages that only say goodbye.</param>
/// <param name="Refusals">Messages that decline.</param>
/// <param name="SelfRepetition">Mean, over the seat's messages, of the highest similarity to any of its own earlier messages.</param>
/// <param name="Echo">Mean share of a message's content words that the partner's previous message used.</param>
/// <param name="TypeTokenRatio">Distinct words over words, across all of the seat's messages.</param>
/// <param name="Emoji">Emoji sent.</param>
/// <param name="TopEmoji">The most used emoji, most used first.</param>
/// <param name="DistinctiveWords">Words this seat uses much more than the others, most distinctive first.</param>
/// <param name="GarbledWords">Garbled words found in the seat's messages.</param>
/// <param name="JudgedWords">Words the garbled-word detector judged in the seat's messages (the rate's denominator).</param>
public sealed record SeatStatistics(
    int Seat,
    string Name,
    string? Model,
    int Messages,
    long Words,
    long Tokens,
    bool TokensEstimated,
    double MeanWords,
    double MedianWords,
    double? MeanLatencySeconds,
    decimal? Cost,
    int EndTokens,
    int Farewells,
    int Refusals,
    double SelfRepetition,
    double Echo,
    double TypeTokenRatio,
    int Emoji,
    IReadOnlyList<string> TopEmoji,
    IReadOnlyList<string> DistinctiveWords,
    int GarbledWords,
    int JudgedWords);
