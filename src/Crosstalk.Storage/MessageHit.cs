namespace Crosstalk.Storage;

/// <summary>A message found by a search.</summary>
/// <param name="ConversationId">The conversation it is in.</param>
/// <param name="ConversationTitle">That conversation's title.</param>
/// <param name="Index">Its 1-based index in the conversation.</param>
/// <param name="Seat">The seat that spoke it.</param>
/// <param name="Speaker">The speaker's display name.</param>
/// <param name="Snippet">A short excerpt around the first match, with "…" where text was cut.</param>
/// <param name="Content">The whole message.</param>
/// <param name="Timestamp">When it was complete, if recorded.</param>
public sealed record MessageHit(
    long ConversationId,
    string ConversationTitle,
    int Index,
    int Seat,
    string Speaker,
    string Snippet,
    string Content,
    DateTimeOffset? Timestamp);
