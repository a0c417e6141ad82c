using Crosstalk.Analysis;
using Crosstalk.Stopping;

namespace Crosstalk.Conversations;

/// <summary>Everything needed to run one conversation, apart from the chat clients.</summary>
public sealed class ConversationSpec
{
    /// <summary>The opener the original system sent: a single space.</summary>
    public const string DefaultOpener = " ";

    /// <summary>The seats, seat 1 first; at least two. Seats speak in round robin.</summary>
    public required IReadOnlyList<SeatSpec> Seats { get; init; }

    /// <summary>
    /// The first message, attributed to <see cref="FirstSeat"/>; the next seat replies to it. A single space by
    /// default, as in the seeds. <see langword="null"/> means no opener: the first seat speaks first from its
    /// system prompt alone.
    /// </summary>
    public string? Opener { get; init; } = DefaultOpener;

    /// <summary>
    /// The 1-based seat the opener is attributed to (or that speaks first when there is no opener). In a
    /// two-seat conversation with <c>FirstSeat = 2</c>, seat 2 sends the opener and seat 1 replies first.
    /// </summary>
    public int FirstSeat { get; init; } = 1;

    /// <summary>When to stop; by default the end token (any seat) or 100 messages.</summary>
    public IStopCondition Stop { get; init; } = StopConditions.Default();

    /// <summary>The end token the stop conditions and analysis look for.</summary>
    public string EndToken { get; init; } = EndTokenDetector.DefaultToken;

    /// <summary>What to do when a seat replies with nothing.</summary>
    public EmptyReplyPolicy EmptyReplyPolicy { get; init; } = EmptyReplyPolicy.RetryThenStop;

    /// <summary>The transcript's title; the participants' names joined by " ↔ " when null.</summary>
    public string? Title { get; init; }

    /// <summary>
    /// For a fork: how many messages were copied from the conversation it was forked from. Those stops were the parent's to
    /// decide (a seed's early <c>[END]</c> must not end a fork made to see what comes after it); the stop policy is
    /// checked from the next message on. 0 for a conversation of its own.
    /// </summary>
    public int ForkedAt { get; init; }
}
