using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Crosstalk.Testing;

namespace Crosstalk.Core.Tests.Conversations;

internal static class RunnerHarness
{
    public static SeatSpec Seat(string name, string? systemPrompt = null, string? blank = null) =>
        new() { Name = name, Model = "test:" + name, SystemPrompt = systemPrompt, BlankMessageReplacement = blank };

    public static ConversationSpec Spec(IStopCondition? stop = null, string? opener = ConversationSpec.DefaultOpener, int firstSeat = 1, params SeatSpec[] seats) =>
        new()
        {
            Seats = seats.Length > 0 ? seats : [Seat("A", "You are A."), Seat("B", "You are B.")],
            Opener = opener,
            FirstSeat = firstSeat,
            Stop = stop ?? StopConditions.Default(),
        };

    public static async Task<List<ConversationEvent>> RunAsync(ConversationRunner runner, CancellationToken cancellationToken = default)
    {
        var events = new List<ConversationEvent>();
        await foreach (var e in runner.RunAsync(cancellationToken: cancellationToken))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>A client that answers every request with its seat name and call number, e.g. "B1".</summary>
    public static ScriptedChatClient Echo(string name) => new((_, call) => $"{name}{call + 1}");
}
