using Crosstalk.Transcripts;

namespace Crosstalk.Conversations;

/// <summary>The conversation stopped; always the last event.</summary>
/// <param name="Stop">Why, and which seat and message triggered it.</param>
/// <param name="Transcript">The finished transcript (completed messages only).</param>
public sealed record ConversationStopped(StopInfo Stop, Transcript Transcript) : ConversationEvent;
