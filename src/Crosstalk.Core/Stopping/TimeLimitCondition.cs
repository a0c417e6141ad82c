using System.Globalization;
using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>Stops after the first message completed once <see cref="Limit"/> of wall-clock time has passed.</summary>
public sealed class TimeLimitCondition : StopCondition
{
    /// <param name="limit">The wall-clock limit; positive.</param>
    public TimeLimitCondition(TimeSpan limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
        Limit = limit;
    }

    /// <summary>The wall-clock limit.</summary>
    public TimeSpan Limit { get; }

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Elapsed >= Limit && state.LastMessage is { } last
            ? new StopInfo(
                StopReasons.TimeLimit,
                last.Seat,
                state.Messages.Count,
                $"The conversation ran for {Seconds(state.Elapsed)}, over the limit of {Seconds(Limit)}.")
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"time-limit:{Limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";

    // "90 s", "1.5 s"; under a second in milliseconds, which "0 s" would hide.
    private static string Seconds(TimeSpan span) => span >= TimeSpan.FromSeconds(1)
        ? span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
