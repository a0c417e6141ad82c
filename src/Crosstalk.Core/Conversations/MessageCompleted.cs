using Crosstalk.Transcripts;

namespace Crosstalk.Conversations;

/// <summary>A message is complete and part of the transcript; it is the moment to store it.</summary>
/// <param name="Index">The 1-based index of the message.</param>
/// <param name="Message">The message, with usage, timing, reasoning and failed attempts.</param>
public sealed record MessageCompleted(int Index, TranscriptMessage Message) : ConversationEvent;
