using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Sql;

/// <summary>
/// Decides whether a message being appended again is the one already stored. Compares what storage keeps:
/// instants and durations to the microsecond (PostgreSQL's resolution), costs by value.
/// </summary>
internal static class MessageEquivalence
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static bool Same(TranscriptMessage stored, TranscriptMessage incoming) =>
        stored.Seat == incoming.Seat
        && string.Equals(stored.Speaker, incoming.Speaker, StringComparison.Ordinal)
        && string.Equals(stored.Content, incoming.Content, StringComparison.Ordinal)
        && SameInstant(stored.Timestamp, incoming.Timestamp)
        && Equals(stored.Usage, incoming.Usage)
        && stored.Cost == incoming.Cost
        && SameDuration(stored.Latency, incoming.Latency)
        && SameDuration(stored.TimeToFirstToken, incoming.TimeToFirstToken)
        && string.Equals(stored.FinishReason, incoming.FinishReason, StringComparison.Ordinal)
        && string.Equals(stored.Reasoning, incoming.Reasoning, StringComparison.Ordinal)
        && string.Equals(stored.SentAs, incoming.SentAs, StringComparison.Ordinal)
        && stored.Attempts.SequenceEqual(incoming.Attempts);

    /// <summary>The first field that differs, for the error message.</summary>
    public static string FirstDifference(TranscriptMessage stored, TranscriptMessage incoming) =>
        stored.Seat != incoming.Seat ? "seat"
        : !string.Equals(stored.Speaker, incoming.Speaker, StringComparison.Ordinal) ? "speaker"
        : !string.Equals(stored.Content, incoming.Content, StringComparison.Ordinal) ? "content"
        : !SameInstant(stored.Timestamp, incoming.Timestamp) ? "timestamp"
        : !Equals(stored.Usage, incoming.Usage) ? "usage"
        : stored.Cost != incoming.Cost ? "cost"
        : !SameDuration(stored.Latency, incoming.Latency) || !SameDuration(stored.TimeToFirstToken, incoming.TimeToFirstToken) ? "timing"
        : !string.Equals(stored.FinishReason, incoming.FinishReason, StringComparison.Ordinal) ? "finish reason"
        : !string.Equals(stored.Reasoning, incoming.Reasoning, StringComparison.Ordinal) ? "reasoning"
        : !string.Equals(stored.SentAs, incoming.SentAs, StringComparison.Ordinal) ? "sent-as text"
        : "attempts";

    private static bool SameInstant(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Value.UtcTicks / TicksPerMicrosecond == b.Value.UtcTicks / TicksPerMicrosecond;

    private static bool SameDuration(TimeSpan? a, TimeSpan? b) =>
        a is null || b is null
            ? a is null && b is null
            : Math.Abs(a.Value.Ticks - b.Value.Ticks) < TicksPerMicrosecond;
}
