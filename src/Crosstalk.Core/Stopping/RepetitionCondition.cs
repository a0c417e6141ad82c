using System.Globalization;
using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// Stops when messages nearly identical to an earlier message (shingle similarity of at least
/// <see cref="Threshold"/>) have occurred <see cref="Times"/> times.
/// </summary>
/// <remarks>
/// Messages with fewer than <see cref="MinimumShingles"/> shingles (short acknowledgements such as "Take care.")
/// are not counted: repeating them is a goodbye loop, not repetition.
/// </remarks>
public sealed class RepetitionCondition : StopCondition
{
    /// <summary>The default number of near-duplicate messages.</summary>
    public const int DefaultTimes = 2;

    /// <summary>The default minimum number of shingles (5 shingles = 7 words).</summary>
    public const int DefaultMinimumShingles = 5;

    /// <param name="threshold">Similarity from which a message counts as a repeat, in (0, 1].</param>
    /// <param name="times">How many repeats stop the conversation.</param>
    /// <param name="minimumShingles">Shorter messages are never repeats.</param>
    public RepetitionCondition(double threshold = Analysis.ShingleSimilarity.NearDuplicateThreshold, int times = DefaultTimes, int minimumShingles = DefaultMinimumShingles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumShingles, 1);
        Threshold = threshold;
        Times = times;
        MinimumShingles = minimumShingles;
    }

    /// <summary>Similarity from which a message counts as a repeat.</summary>
    public double Threshold { get; }

    /// <summary>How many repeats stop the conversation.</summary>
    public int Times { get; }

    /// <summary>Messages with fewer shingles are never repeats.</summary>
    public int MinimumShingles { get; }

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var index = state.Messages.Count;
        if (index == 0 || !IsRepeat(state, index, out var similarity, out var earlier))
        {
            return null;
        }

        var repeats = 1;
        for (var i = 1; i < index && repeats < Times; i++)
        {
            if (IsRepeat(state, i, out _, out _))
            {
                repeats++;
            }
        }

        if (repeats < Times)
        {
            return null;
        }

        var last = state.Messages[index - 1];
        return new StopInfo(
            StopReasons.Repetition,
            last.Seat,
            index,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Message {index} repeats message {earlier} (similarity {similarity:0.00}); {repeats} near-duplicate messages so far."));
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"repetition:{Times}:{Threshold}");

    private bool IsRepeat(ConversationState state, int index, out double similarity, out int earlier)
    {
        similarity = 0;
        earlier = 0;
        if (state.GetShingles(index).Count < MinimumShingles)
        {
            return false;
        }

        similarity = state.GetNearestEarlier(index, out earlier);
        return similarity >= Threshold;
    }
}
