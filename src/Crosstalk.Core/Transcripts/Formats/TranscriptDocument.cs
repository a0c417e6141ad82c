using System.Text.Json.Serialization;

namespace Crosstalk.Transcripts.Formats;

// The wire shape of crosstalk-transcript/1. Kept apart from the model so the model can change without
// changing files, and so durations travel as milliseconds. A key the version does not have is refused, not skipped: a
// field that is new would come with a new version, so an unknown one is a mistyped or damaged field whose value would
// otherwise be lost without a word.

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class TranscriptDocument
{
    public string? Format { get; set; }

    public string? Title { get; set; }

    public List<ParticipantDocument>? Participants { get; set; }

    public DateTimeOffset? Started { get; set; }

    public DateTimeOffset? Ended { get; set; }

    public List<MessageDocument>? Messages { get; set; }

    public StopDocument? Stop { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class ParticipantDocument
{
    public int Seat { get; set; }

    public string? Name { get; set; }

    public string? Model { get; set; }

    public string? SystemPrompt { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class MessageDocument
{
    public int? Seat { get; set; }

    public string? Speaker { get; set; }

    public string? Content { get; set; }

    public DateTimeOffset? Timestamp { get; set; }

    public UsageDocument? Usage { get; set; }

    public decimal? Cost { get; set; }

    public double? LatencyMs { get; set; }

    public double? TimeToFirstTokenMs { get; set; }

    public string? FinishReason { get; set; }

    public string? Reasoning { get; set; }

    public string? SentAs { get; set; }

    public List<AttemptDocument>? Attempts { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class UsageDocument
{
    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public long? ReasoningTokens { get; set; }

    public bool Estimated { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class AttemptDocument
{
    public int Number { get; set; }

    public string? Error { get; set; }

    public int? StatusCode { get; set; }

    public double? DurationMs { get; set; }

    public double? RetryAfterMs { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class StopDocument
{
    public string? Reason { get; set; }

    public int? Seat { get; set; }

    public int? Message { get; set; }

    public string? Detail { get; set; }

    public List<AttemptDocument>? Attempts { get; set; }
}
