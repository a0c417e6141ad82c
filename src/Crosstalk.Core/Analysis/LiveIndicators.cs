using Crosstalk.Stopping;
using Crosstalk.Transcripts;

namespace Crosstalk.Analysis;

/// <summary>
/// What to point out while a conversation runs, message by message: a goodbye loop forming after an end signal,
/// a message repeating an earlier one. The same detectors as the <c>goodbye-loop</c> and <c>repetition</c> stop
/// conditions, asked to speak up at the first sign instead of stopping the conversation.
/// </summary>
public sealed class LiveIndicators
{
    private readonly ConversationState _state;
    private readonly IStopCondition[] _watchers = [new GoodbyeLoopCondition(length: 2), new RepetitionCondition(times: 1)];

    /// <param name="seatCount">Seats in the conversation.</param>
    /// <param name="endToken">The end token.</param>
    /// <param name="hasOpener">Whether message 1 is an opener (never an end signal).</param>
    public LiveIndicators(int seatCount, string endToken = EndTokenDetector.DefaultToken, bool hasOpener = true) =>
        _state = new ConversationState(seatCount, endToken, hasOpener);

    /// <summary>Adds the next message and returns one sentence per indicator it raises (none, usually).</summary>
    public IReadOnlyList<string> Observe(TranscriptMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _state.Add(message);
        List<string>? raised = null;
        foreach (var watcher in _watchers)
        {
            if (watcher.Check(_state)?.Detail is { } detail)
            {
                (raised ??= []).Add(detail);
            }
        }

        return raised ?? (IReadOnlyList<string>)[];
    }
}
