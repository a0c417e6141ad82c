using Crosstalk.Transcripts;

namespace Crosstalk.Conversations;

/// <summary>
/// An attempt at message <paramref name="Index"/> failed and the reply is being asked for again (after a wait, when the
/// provider asked for one or the backoff calls for it). Shown as it happens, so that a provider that keeps failing is
/// not mistaken for one that is thinking; the attempt is also recorded on the message.
/// </summary>
/// <param name="Index">The 1-based index of the message.</param>
/// <param name="Seat">The seat that is replying.</param>
/// <param name="Attempt">The attempt that failed: its number, error, status and duration.</param>
public sealed record AttemptFailed(int Index, int Seat, Attempt Attempt) : ConversationEvent;
