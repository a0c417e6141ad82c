using Crosstalk.Transcripts;

namespace Crosstalk.Storage;

/// <summary>A conversation without its messages, as listed.</summary>
/// <param name="Id">The conversation id.</param>
/// <param name="RunId">The run it belongs to, if any.</param>
/// <param name="Title">Its title.</param>
/// <param name="Participants">Its seats, in seat order (system prompts left out).</param>
/// <param name="Started">When it started, if known.</param>
/// <param name="Ended">When it ended; <see langword="null"/> while unfinished.</param>
/// <param name="MessageCount">How many messages are stored.</param>
/// <param name="StopReason">Why it stopped; <see langword="null"/> while unfinished.</param>
/// <param name="TotalTokens">Input plus output tokens over its messages.</param>
/// <param name="TotalCost">Cost in US dollars over the messages whose cost is known; <see langword="null"/> when none is.</param>
/// <param name="StopDetail">What the stop said (for an error, which model failed and how); <see langword="null"/> when none was recorded.</param>
public sealed record ConversationSummary(
    long Id,
    string? RunId,
    string Title,
    IReadOnlyList<Participant> Participants,
    DateTimeOffset? Started,
    DateTimeOffset? Ended,
    int MessageCount,
    string? StopReason,
    long TotalTokens,
    decimal? TotalCost,
    string? StopDetail = null)
{
    /// <summary>
    /// How the conversation stands, for lists: its stop reason; "ended" when it ended with none recorded (an imported
    /// seed); else "unfinished".
    /// </summary>
    public string State => StopReason ?? (Ended is null ? "unfinished" : "ended");
}
