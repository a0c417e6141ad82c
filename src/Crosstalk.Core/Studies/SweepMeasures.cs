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
        var ending = Ending(parent);
        var loop = parent.Analysis.GoodbyeLoop is not null;
        var ended = parent.Analysis.EndToken.First is not null;
        var recurrence = new StudyTable(
            "recurrence",
            "How often the parent's outcome recurs",
            "Shares of the continuations with Wilson 95% intervals. The ending is the stop reason and the seat that sent the first end token.",
            ["Outcome", "In the parent", "Recurs in"],
            [
                [StudyCell.Of("Ending"), StudyCell.Of(ending), StudyCell.Share(continuations.Count(c => Ending(c) == ending), n)],
                [StudyCell.Of("Goodbye loop"), StudyCell.Of(loop ? "yes" : "no"), StudyCell.Share(continuations.Count(c => (c.Analysis.GoodbyeLoop is not null) == loop), n)],
                [StudyCell.Of("Someone ends"), StudyCell.Of(ended ? "yes" : "no"), StudyCell.Share(continuations.Count(c => (c.Analysis.EndToken.First is not null) == ended), n)],
            ],
            Chart: 2);
        var rows = continuations.Select(c => (IReadOnlyList<StudyCell>)
        [
            StudyCell.Of(c.Id?.ToString(CultureInfo.InvariantCulture) ?? "–"),
            StudyCell.Count(c.Transcript.Messages.Count),
            StudyCell.Of(Ending(c)),
            StudyCell.Of(c.Analysis.GoodbyeLoop is { } l ? string.Create(CultureInfo.InvariantCulture, $"messages {l.Start}–{l.End}") : "–"),
        ]).ToList();
        var ends = continuations.Where(c => c.Analysis.EndToken.First is not null).Select(c => (double)c.Analysis.EndToken.First!.Value).ToList();
        var list = new StudyTable(
            "continuations",
            "The continuations",
            string.Create(CultureInfo.InvariantCulture, $"Median message of the first end: {StudyCell.Estimate(Bootstrap.Median(ends), "0.#").Text}."),
            ["Conversation", "Messages", "Ending", "Goodbye loop"],
            rows);
        var title = string.Create(CultureInfo.InvariantCulture, $"{n} continuations of conversation {parent.Id} from message {at}") + (swap is null ? "" : $", {swap}");
        return new StudyReport("sweep", title, null, n, [], [recurrence, list]);
    }

    /// <summary>A conversation's ending: its stop reason, and the seat that ended first ("end-token by seat 2").</summary>
    public static string Ending(StudyConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var reason = conversation.Transcript.Stop?.Reason ?? "unfinished";
        return conversation.Analysis.EndToken.FirstSeat is { } seat
            ? string.Create(CultureInfo.InvariantCulture, $"{reason}, seat {seat} ended first")
            : reason + ", no one ended";
    }
}
