namespace Crosstalk.Transcripts;

/// <summary>A seat in a conversation.</summary>
/// <param name="Seat">The seat number, 1..n.</param>
/// <param name="Name">The display name transcripts show, e.g. "Kimi K2".</param>
/// <param name="Model">What answered for this seat, e.g. <c>moonshot:kimi-k2</c> or <c>offline:eliza</c>; null when unknown.</param>
/// <param name="SystemPrompt">The system prompt this seat was given, if any.</param>
public sealed record Participant(int Seat, string Name, string? Model = null, string? SystemPrompt = null);
