using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// Stops a goodbye loop: after a message ends with the end token, <see cref="Length"/> further messages in a row
/// that are farewells, acknowledgements, waves or bare end tokens (see <see cref="Analysis.FarewellDetector"/>).
/// </summary>
/// <remarks>
/// A substantive message breaks the loop, and a new end signal is then needed to start counting again. In seed
/// 001 the first signal is message 3, but message 5 asks a new question; the loop that matters starts at
/// message 23, so with the default length this fires at message 27.
/// </remarks>
public sealed class GoodbyeLoopCondition : StopCondition
{
    /// <summary>The default number of farewell messages after the end signal.</summary>
    public const int DefaultLength = 4;

    /// <param name="length">How many farewell messages after the first end signal stop the conversation.</param>
    public GoodbyeLoopCondition(int length = DefaultLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
    }

    /// <summary>How many farewell messages after the first end signal stop the conversation.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var index = state.Messages.Count;
        if (index == 0)
        {
            return null;
        }

        // Walk back over the unbroken run of farewells and end signals; its earliest end signal starts the loop.
        var firstSignal = 0;
        for (var i = index; i >= 1; i--)
        {
            var signal = state.IsEndSignal(i);
            if (!signal && !state.IsFarewell(i))
            {
                break;
            }

            if (signal)
            {
                firstSignal = i;
            }
        }

        if (firstSignal == 0 || index - firstSignal < Length)
        {
            return null;
        }

        var last = state.Messages[index - 1];
        return new StopInfo(
            StopReasons.GoodbyeLoop,
            last.Seat,
            index,
            $"{index - firstSignal} messages of farewells followed the end token in message {firstSignal}.");
    }

    /// <inheritdoc />
    public override string ToString() => $"goodbye-loop:{Length}";
}
