namespace Crosstalk.Conversations;

/// <summary>Visible text of the message in progress, as it streams; never reasoning.</summary>
/// <param name="Index">The 1-based index of the message.</param>
/// <param name="Seat">The seat speaking.</param>
/// <param name="Text">The new text.</param>
public sealed record TextDelta(int Index, int Seat, string Text) : ConversationEvent;
