using Crosstalk.Stopping;
using Crosstalk.Transcripts;

namespace Crosstalk.Core.Tests.Stopping;

internal static class StateBuilder
{
    public static TranscriptMessage Message(int seat, string content, TokenUsage? usage = null, decimal? cost = null) =>
        new() { Seat = seat, Speaker = seat == 1 ? "A" : seat == 2 ? "B" : "C", Content = content, Usage = usage, Cost = cost };

    /// <summary>Feeds messages one by one, as the runner does, and returns the first stop (or null).</summary>
    public static StopInfo? FirstStop(IStopCondition condition, IEnumerable<TranscriptMessage> messages, int seats = 2, bool hasOpener = true)
    {
        var state = new ConversationState(seats, "[END]", hasOpener);
        foreach (var message in messages)
        {
            state.Add(message);
            if (condition.Check(state) is { } stop)
            {
                return stop;
            }
        }

        return null;
    }

    /// <summary>Two seats alternating, seat 1 first.</summary>
    public static IEnumerable<TranscriptMessage> Alternating(params string[] contents) =>
        contents.Select((c, i) => Message((i % 2) + 1, c));
}
