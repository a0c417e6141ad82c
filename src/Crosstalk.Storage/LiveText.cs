namespace Crosstalk.Storage;

/// <summary>
/// The message a running conversation is writing right now, as far as it has streamed: what a viewer in any process
/// shows live. It is replaced as the text grows and emptied when the message is complete.
/// </summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Index">The 1-based index of the message in flight.</param>
/// <param name="Seat">Its seat.</param>
/// <param name="Speaker">Its speaker's name.</param>
/// <param name="Text">The text so far; <see langword="null"/> removes the conversation's live row (it stopped).</param>
/// <param name="Updated">When the text was taken.</param>
public sealed record LiveText(long ConversationId, int Index, int Seat, string Speaker, string? Text, DateTimeOffset Updated);
