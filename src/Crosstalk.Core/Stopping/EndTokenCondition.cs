using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// Stops when a message ends with the end token (see <see cref="Analysis.EndTokenDetector"/>): at the first such
/// message (<see cref="EndTokenPolicy.Any"/>), once every seat has ended a message in consecutive messages
/// (<see cref="EndTokenPolicy.Mutual"/>), or never (<see cref="EndTokenPolicy.Off"/>).
/// </summary>
public sealed class EndTokenCondition(EndTokenPolicy policy = EndTokenPolicy.Any) : StopCondition
{
    /// <summary>The policy.</summary>
    public EndTokenPolicy Policy { get; } = policy;

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var last = state.LastMessage;
        if (last is null || Policy == EndTokenPolicy.Off)
        {
            return null;
        }

        var index = state.Messages.Count;
        if (!state.IsEndSignal(index))
        {
            return null;
        }

        if (Policy == EndTokenPolicy.Any)
        {
            return new StopInfo(StopReasons.EndToken, last.Seat, index, $"{last.Speaker} ended message {index} with {state.EndToken}.");
        }

        var first = index - state.SeatCount + 1;
        if (first < 1)
        {
            return null;
        }

        var seats = 0UL;
        for (var i = first; i <= index; i++)
        {
            if (!state.IsEndSignal(i))
            {
                return null;
            }

            seats |= 1UL << (state.Messages[i - 1].Seat % 64);
        }

        if (ulong.PopCount(seats) < (ulong)Math.Min(state.SeatCount, 64))
        {
            return null;
        }

        return new StopInfo(
            StopReasons.EndToken,
            last.Seat,
            index,
            $"Every seat ended a message with {state.EndToken}, in messages {first} to {index}.");
    }

    /// <inheritdoc />
    public override string ToString() => "end-token:" + Policy.ToString().ToLowerInvariant();
}
