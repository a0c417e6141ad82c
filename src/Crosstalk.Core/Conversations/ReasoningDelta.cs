namespace Crosstalk.Conversations;

/// <summary>Reasoning of the message in progress, as it streams; recorded but never shown to another seat.</summary>
/// <param name="Index">The 1-based index of the message.</param>
/// <param name="Seat">The seat speaking.</param>
/// <param name="Text">The new reasoning text.</param>
public sealed record ReasoningDelta(int Index, int Seat, string Text) : ConversationEvent;
