using Crosstalk.Statistics;

namespace Crosstalk.Studies;

/// <summary>
/// The main measures broken down by each factor of an experiment (opener, system prompt, order, repetition): how
/// conversations end under each value. Shown by every study, by <c>analyze RUN</c>, its HTML report and the viewer's
/// corpus page for a run.
/// </summary>
public static class FactorBreakdowns
{
    /// <summary>One table per factor the experiment varied.</summary>
    public static IReadOnlyList<StudyTable> Tables(IReadOnlyList<StudyConversation> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        return [.. StudyFactors.All.Select(f => Of(conversations, f)).Where(t => t is not null).Select(t => t!)];
    }

    /// <summary>The main measures by one factor's values; null when the experiment did not vary it.</summary>
    public static StudyTable? Of(IReadOnlyList<StudyConversation> conversations, string factor)
    {
        // Repetitions in number order (1, 2, … 10), anything else as text.
        var groups = conversations.GroupBy(c => c.Factors.GetValueOrDefault(factor) ?? "–")
            .OrderBy(g => int.TryParse(g.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (groups.Count < 2)
        {
            return null;
        }

        var rows = groups.Select(g =>
        {
            var list = g.ToList();
            var ended = list.Where(c => c.Analysis.EndToken.First is not null).ToList();
            return (IReadOnlyList<StudyCell>)
            [
                StudyCell.Of(g.Key),
                StudyCell.Count(list.Count),
                StudyCell.Share(ended.Count, list.Count),
                StudyCell.Estimate(Bootstrap.Median([.. ended.Select(c => (double)StudyConversation.Turn(c.Analysis.EndToken.First!.Value))]), "0.#"),
                StudyCell.Share(list.Count(c => c.Analysis.EndToken.Mutual is not null), list.Count),
                StudyCell.Share(list.Count(c => c.Analysis.GoodbyeLoop is not null), list.Count),
                StudyCell.Share(list.Count(c => c.Analysis.Refusals.Count > 0), list.Count),
            ];
        }).ToList();
        return new StudyTable(
            "by-" + factor.Replace(' ', '-'),
            "By " + factor,
            null,
            [char.ToUpperInvariant(factor[0]) + factor[1..], "Conversations", "Someone ended", "Median turn of first end", "Mutual end", "Goodbye loop", "With a refusal"],
            rows,
            Chart: 2);
    }
}
