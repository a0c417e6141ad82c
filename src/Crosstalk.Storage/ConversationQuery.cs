namespace Crosstalk.Storage;

/// <summary>
/// Which conversations to list, count or read. Every filter left <see langword="null"/> matches everything;
/// filters combine with AND. Results are ordered by conversation id.
/// </summary>
public sealed record ConversationQuery
{
    /// <summary>Matches everything.</summary>
    public static ConversationQuery All { get; } = new();

    /// <summary>Only conversations of this run.</summary>
    public string? RunId { get; init; }

    /// <summary>Only conversations where some participant's name or model contains this text (case-insensitive).</summary>
    public string? Participant { get; init; }

    /// <summary>Only conversations that stopped for this reason (one of <see cref="Transcripts.StopReasons"/>).</summary>
    public string? StopReason { get; init; }

    /// <summary>Only conversations with at least this many messages.</summary>
    public int? MinMessages { get; init; }

    /// <summary>Only conversations with at most this many messages.</summary>
    public int? MaxMessages { get; init; }

    /// <summary>Only conversations that started at or after this instant.</summary>
    public DateTimeOffset? StartedFrom { get; init; }

    /// <summary>Only conversations that started before this instant.</summary>
    public DateTimeOffset? StartedTo { get; init; }

    /// <summary>Only conversations a resume would continue: never completed, or interrupted.</summary>
    public bool UnfinishedOnly { get; init; }

    /// <summary>Only conversations running at this instant: unfinished, with a lease that has not expired.</summary>
    public DateTimeOffset? RunningAt { get; init; }

    /// <summary>Only conversations with a message matching this text, as <see cref="ITranscriptStore.SearchMessagesAsync"/> matches.</summary>
    public string? Text { get; init; }

    /// <summary>Newest (highest id) first instead of oldest first.</summary>
    public bool Descending { get; init; }

    /// <summary>How many matching conversations to skip.</summary>
    public int Offset { get; init; }

    /// <summary>At most this many conversations; <see langword="null"/> for all.</summary>
    public int? Limit { get; init; }
}
