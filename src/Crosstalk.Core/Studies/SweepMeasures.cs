using System.Globalization;
using Crosstalk.Statistics;

namespace Crosstalk.Studies;

/// <summary>
/// A branch sweep's report: N continuations of one conversation from message K, and how often the parent's ending and
/// attractor (a goodbye loop) recur in them — how stable the state is, and whether another model at one seat escapes it.
/// </summary>
public static class SweepMeasures
{
    /// <summary>The report for <paramref name="continuations"/> of <paramref name="parent"/> from message <paramref name="at"/>.</summary>
    public static StudyReport Report(StudyConversation parent, int at, IReadOnlyList<StudyConversation> continuations, string? swap)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(continuations);
        var n = continuations.Count;
        var ending = Ending(parent, at);
        var loop = LoopAfter(parent, at);
        var ended = FirstEndAfter(parent, at) is not null;
        var recurrence = new StudyTable(
            "recurrence",
            "How often the parent's outcome recurs",
            "Shares of the continuations with Wilson 95% intervals. Only what was said after the kept messages counts: the ending is the stop reason and the seat that first sent the end token after them, the goodbye loop one that reaches past them.",
            ["Outcome", "In the parent", "Recurs in"],
            [
                [StudyCell.Of("Ending"), StudyCell.Of(ending), StudyCell.Share(continuations.Count(c => Ending(c, at) == ending), n)],
                [StudyCell.Of("Goodbye loop"), StudyCell.Of(loop ? "yes" : "no"), StudyCell.Share(continuations.Count(c => LoopAfter(c, at) == loop), n)],
                [StudyCell.Of("Someone ends"), StudyCell.Of(ended ? "yes" : "no"), StudyCell.Share(continuations.Count(c => (FirstEndAfter(c, at) is not null) == ended), n)],
            ],
            Chart: 2);
        var rows = continuations.Select(c => (IReadOnlyList<StudyCell>)
        [
            StudyCell.Of(c.Id?.ToString(CultureInfo.InvariantCulture) ?? "–"),
            StudyCell.Count(c.Transcript.Messages.Count),
            StudyCell.Of(Ending(c, at)),
            StudyCell.Of(c.Analysis.GoodbyeLoop is { } l ? string.Create(CultureInfo.InvariantCulture, $"messages {l.Start}–{l.End}") : "–"),
        ]).ToList();
        var ends = continuations.Select(c => FirstEndAfter(c, at)).Where(m => m is not null).Select(m => (double)m!.Index).ToList();
        var list = new StudyTable(
            "continuations",
            "The continuations",
            string.Create(CultureInfo.InvariantCulture, $"Median message of the first end after message {at}: {StudyCell.Estimate(Bootstrap.Median(ends), "0.#").Text}."),
            ["Conversation", "Messages", "Ending", "Goodbye loop"],
            rows);
        var title = string.Create(CultureInfo.InvariantCulture, $"{n} continuations of conversation {parent.Id} from message {at}") + (swap is null ? "" : $", {swap}");
        return new StudyReport("sweep", title, null, n, [], [recurrence, list]);
    }

    /// <summary>
    /// A conversation's ending after message <paramref name="at"/>: its stop reason, and the seat that first sent the end
    /// token after the kept messages ("end-token, seat 2 ended first").
    /// </summary>
    public static string Ending(StudyConversation conversation, int at = 0)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var reason = conversation.Transcript.Stop?.Reason ?? "unfinished";
        return FirstEndAfter(conversation, at) is { } first
            ? string.Create(CultureInfo.InvariantCulture, $"{reason}, seat {first.Seat} ended first")
            : reason + ", no one ended";
    }

    private static Analysis.MessageAnalysis? FirstEndAfter(StudyConversation conversation, int at) =>
        conversation.Analysis.PerMessage.FirstOrDefault(m => m.Index > at && m.Index > 1 && m.EndToken);

    private static bool LoopAfter(StudyConversation conversation, int at) => conversation.Analysis.GoodbyeLoop is { } loop && loop.End > at;
}
