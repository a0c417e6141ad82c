namespace Crosstalk.Conversations;

/// <summary>
/// The reply being streamed for message <paramref name="Index"/> was cut off and is being requested again from the
/// start: discard the text and reasoning shown for it so far. The failed attempt is recorded on the message.
/// </summary>
/// <param name="Index">The 1-based index of the message.</param>
/// <param name="Seat">The seat that is replying.</param>
public sealed record MessageRestarted(int Index, int Seat) : ConversationEvent;
