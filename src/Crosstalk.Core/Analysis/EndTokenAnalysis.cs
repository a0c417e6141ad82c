namespace Crosstalk.Analysis;

/// <summary>How a conversation used its end token.</summary>
/// <param name="Token">The end token looked for.</param>
/// <param name="First">The first message that ends with the token (never the opener), or null.</param>
/// <param name="FirstSeat">The seat that sent <paramref name="First"/>.</param>
/// <param name="Mutual">The first message ending with the token that answers a message of another seat that also did: both sides agreed to stop.</param>
/// <param name="Count">How many messages end with the token.</param>
/// <param name="MessagesAfterFirst">Messages spoken after <paramref name="First"/>: the conversation that should not have happened.</param>
/// <param name="MessagesAfterMutual">Messages spoken after <paramref name="Mutual"/>.</param>
/// <param name="TokensAfterFirst">Output tokens spent after <paramref name="First"/> (recorded, or estimated when none were).</param>
/// <param name="CostAfterFirst">Recorded cost after <paramref name="First"/>, in US dollars, when costs were recorded.</param>
public sealed record EndTokenAnalysis(
    string Token,
    int? First,
    int? FirstSeat,
    int? Mutual,
    int Count,
    int MessagesAfterFirst,
    int MessagesAfterMutual,
    long TokensAfterFirst,
    decimal? CostAfterFirst);
