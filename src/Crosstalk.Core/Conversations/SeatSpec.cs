using Microsoft.Extensions.AI;

namespace Crosstalk.Conversations;

/// <summary>One seat of a conversation to run: who sits there and how it is asked.</summary>
public sealed class SeatSpec
{
    /// <summary>The display name transcripts show, e.g. "Kimi K2".</summary>
    public required string Name { get; init; }

    /// <summary>What answers for this seat, e.g. <c>moonshot:kimi-k2</c>; recorded, not used to pick a client.</summary>
    public string? Model { get; init; }

    /// <summary>The system prompt, sent first in this seat's view; none when null or empty.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Sampling and other options passed with every request for this seat (never modified).</summary>
    public ChatOptions? Options { get; init; }

    /// <summary>
    /// When set, a message of only white space (such as the blank opener) is sent to this seat as this text,
    /// for endpoints that reject blank messages; the message records what was sent in
    /// <see cref="Transcripts.TranscriptMessage.SentAs"/>.
    /// </summary>
    public string? BlankMessageReplacement { get; init; }
}
