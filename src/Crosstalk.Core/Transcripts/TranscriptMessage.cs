namespace Crosstalk.Transcripts;

/// <summary>One message of a conversation, with what is known about how it was produced.</summary>
public sealed class TranscriptMessage
{
    /// <summary>The seat that spoke (1..n).</summary>
    public required int Seat { get; init; }

    /// <summary>The display name shown for the speaker (normally the seat's participant name).</summary>
    public required string Speaker { get; init; }

    /// <summary>The text the other seats saw. Reasoning is never part of it.</summary>
    public required string Content { get; init; }

    /// <summary>When the message was complete, if recorded.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Tokens the provider reported (or that were estimated) for producing this message.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Cost of producing this message in US dollars, from the catalog prices, when known.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Time from sending the request to the message being complete.</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>Time from sending the request to the first token of text or reasoning.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>The provider's finish reason (<c>stop</c>, <c>length</c>, <c>content_filter</c>, …).</summary>
    public string? FinishReason { get; init; }

    /// <summary>Reasoning or thinking the model returned apart from its answer; kept, never shown to other seats.</summary>
    public string? Reasoning { get; init; }

    /// <summary>
    /// What was actually sent when it differs from <see cref="Content"/> (for example a blank opener that an
    /// endpoint would reject, sent in a form it accepts).
    /// </summary>
    public string? SentAs { get; init; }

    /// <summary>Every failed attempt before the one that produced this message, in order.</summary>
    public IList<Attempt> Attempts { get; init; } = [];
}
