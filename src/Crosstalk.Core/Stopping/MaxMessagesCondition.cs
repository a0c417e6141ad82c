using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>Stops when the conversation holds <see cref="Limit"/> messages, the opener included.</summary>
public sealed class MaxMessagesCondition : StopCondition
{
    /// <summary>The default limit.</summary>
    public const int DefaultLimit = 100;

    /// <param name="limit">How many messages, counting the opener (the original's <c>max_turns</c> 96 is 97 messages).</param>
    public MaxMessagesCondition(int limit = DefaultLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>The number of messages after which the conversation stops.</summary>
    public int Limit { get; }

    /// <inheritdoc />
    public override int? MessageLimit => Limit;

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var count = state.Messages.Count;
        return count >= Limit && state.LastMessage is { } last
            ? new StopInfo(StopReasons.MaxMessages, last.Seat, count, Limit == 1 ? "The conversation reached the limit of 1 message." : $"The conversation reached the limit of {Limit} messages.")
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"max-messages:{Limit}";
}
