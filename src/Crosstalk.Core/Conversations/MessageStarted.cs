namespace Crosstalk.Conversations;

/// <summary>A seat started a message (the request was sent; for the opener, the message is about to complete).</summary>
/// <param name="Index">The 1-based index the message will have.</param>
/// <param name="Seat">The seat speaking.</param>
/// <param name="Speaker">The seat's display name.</param>
public sealed record MessageStarted(int Index, int Seat, string Speaker) : ConversationEvent;
