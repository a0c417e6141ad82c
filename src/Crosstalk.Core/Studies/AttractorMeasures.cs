using Crosstalk.Statistics;

namespace Crosstalk.Studies;

/// <summary>
/// The <c>attractors</c> study's tables: who ends first, when, whether the other agrees, what comes after, goodbye loops
/// and refusals — per ordered pair, per model, the order effect per pair, agreement across repetitions, and every factor.
/// </summary>
public static class AttractorMeasures
{
    /// <summary>The tables for <paramref name="conversations"/>.</summary>
    public static IReadOnlyList<StudyTable> Tables(IReadOnlyList<StudyConversation> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var tables = new List<StudyTable>(Pairs(conversations)) { Models(conversations), Order(conversations), Repetitions(conversations) };
        tables.AddRange(FactorBreakdowns.Tables(conversations));
        return tables;
    }

    private static IEnumerable<StudyTable> Pairs(IReadOnlyList<StudyConversation> conversations)
    {
        var ends = new List<IReadOnlyList<StudyCell>>();
        var after = new List<IReadOnlyList<StudyCell>>();
        foreach (var group in conversations.GroupBy(c => (First: c.ModelOf(c.FirstSeat), Second: c.ModelOf(c.SecondSeat))).OrderBy(g => g.Key.First, StringComparer.Ordinal).ThenBy(g => g.Key.Second, StringComparer.Ordinal))
        {
            var list = group.ToList();
            var n = list.Count;
            var ended = list.Where(c => c.Analysis.EndToken.First is not null).ToList();
            var loops = list.Where(c => c.Analysis.GoodbyeLoop is not null).ToList();
            var pair = StudyCell.Of($"{group.Key.First} → {group.Key.Second}");
            ends.Add(
            [
                pair,
                StudyCell.Count(n),
                StudyCell.Share(ended.Count, n),
                StudyCell.Share(ended.Count(c => c.Analysis.EndToken.FirstSeat == c.FirstSeat), n),
                StudyCell.Share(ended.Count(c => c.Analysis.EndToken.FirstSeat == c.SecondSeat), n),
                StudyCell.Estimate(Bootstrap.Median([.. ended.Select(c => (double)StudyConversation.Turn(c.Analysis.EndToken.First!.Value))]), "0.#"),
            ]);
            after.Add(
            [
                pair,
                StudyCell.Share(list.Count(c => c.Analysis.EndToken.Mutual is not null), n),
                StudyCell.Estimate(Bootstrap.Mean([.. ended.Select(c => (double)c.Analysis.EndToken.MessagesAfterFirst)])),
                StudyCell.Share(loops.Count, n),
                StudyCell.Estimate(Bootstrap.Median([.. loops.Select(c => (double)c.Analysis.GoodbyeLoop!.Start)]), "0.#"),
                StudyCell.Share(list.Count(c => c.Analysis.Refusals.Count > 0), n),
            ]);
        }

        yield return new StudyTable(
            "pairs",
            "Who ends first, per ordered pair (the first model opens)",
            "Shares of the pair's conversations with Wilson 95% intervals and counts; the median turn of the first end (the opener and its reply are turn 1) over the conversations where someone ended, with a bootstrap 95% interval (2,000 resamples).",
            ["Opens → answers", "Conversations", "Someone ended", "Opener ended first", "Answerer ended first", "Median turn of first end"],
            ends,
            Chart: 2);
        yield return new StudyTable(
            "after",
            "After the first end, per ordered pair",
            "Mutual end: the other model also ended, right after. Messages after the first end: mean over the conversations where someone ended. Goodbye loop: a run of farewells and acknowledgements; its start is the median message.",
            ["Opens → answers", "Mutual end", "Messages after first end", "Goodbye loop", "Loop starts at (median)", "With a refusal"],
            after,
            Chart: 1);
    }

    private static StudyTable Models(IReadOnlyList<StudyConversation> conversations)
    {
        var rows = new List<IReadOnlyList<StudyCell>>();
        var models = conversations.SelectMany(c => c.Models).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var model in models)
        {
            // A model talking with itself is counted once per conversation: its seats are one model.
            var withIt = conversations.Where(c => c.Models.Contains(model, StringComparer.Ordinal)).ToList();
            var n = withIt.Count;
            var endedFirst = withIt.Where(c => c.Analysis.EndToken.FirstSeat is { } seat && c.ModelOf(seat) == model).ToList();
            var refused = withIt.Count(c => c.Analysis.Refusals.Any(i => c.ModelOf(c.Transcript.Messages[i - 1].Seat) == model));
            rows.Add(
            [
                StudyCell.Of(model),
                StudyCell.Count(n),
                StudyCell.Share(endedFirst.Count, n),
                StudyCell.Estimate(Bootstrap.Median([.. endedFirst.Select(c => (double)StudyConversation.Turn(c.Analysis.EndToken.First!.Value))]), "0.#"),
                StudyCell.Share(withIt.Count(c => c.Analysis.EndToken.Mutual is not null), n),
                StudyCell.Estimate(Bootstrap.Mean([.. withIt.Where(c => c.Analysis.EndToken.First is not null).Select(c => (double)c.Analysis.EndToken.MessagesAfterFirst)])),
                StudyCell.Share(withIt.Count(c => c.Analysis.GoodbyeLoop is not null), n),
                StudyCell.Estimate(Bootstrap.Median([.. withIt.Where(c => c.Analysis.GoodbyeLoop is not null).Select(c => (double)c.Analysis.GoodbyeLoop!.Start)]), "0.#"),
                StudyCell.Share(refused, n),
            ]);
        }

        return new StudyTable(
            "models",
            "Per model",
            "Of the conversations the model took part in (a model with itself counts once); Wilson and bootstrap 95% intervals.",
            ["Model", "Conversations", "Ended first", "Median turn when it ended first", "Mutual end", "Messages after first end", "Goodbye loop", "Loop starts at (median)", "Refused at least once"],
            rows,
            Chart: 2);
    }

    private static StudyTable Order(IReadOnlyList<StudyConversation> conversations)
    {
        var rows = new List<IReadOnlyList<StudyCell>>();
        var pairs = conversations
            .Where(c => c.ModelOf(c.FirstSeat) != c.ModelOf(c.SecondSeat))
            .GroupBy(c => string.CompareOrdinal(c.ModelOf(c.FirstSeat), c.ModelOf(c.SecondSeat)) < 0
                ? (A: c.ModelOf(c.FirstSeat), B: c.ModelOf(c.SecondSeat))
                : (A: c.ModelOf(c.SecondSeat), B: c.ModelOf(c.FirstSeat)))
            .OrderBy(g => g.Key.A, StringComparer.Ordinal).ThenBy(g => g.Key.B, StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var aOpens = pair.Where(c => c.ModelOf(c.FirstSeat) == pair.Key.A).ToList();
            var bOpens = pair.Where(c => c.ModelOf(c.FirstSeat) == pair.Key.B).ToList();
            bool AEndsFirst(StudyConversation c) => c.Analysis.EndToken.FirstSeat is { } seat && c.ModelOf(seat) == pair.Key.A;
            var a1 = aOpens.Count(AEndsFirst);
            var b1 = bOpens.Count(AEndsFirst);
            rows.Add(
            [
                StudyCell.Of($"{pair.Key.A} (with {pair.Key.B})"),
                StudyCell.Share(a1, aOpens.Count),
                StudyCell.Share(b1, bOpens.Count),
                aOpens.Count == 0 || bOpens.Count == 0
                    ? StudyCell.Of("–")
                    : StudyCell.Number(ExactTests.FisherTwoSided(a1, aOpens.Count - a1, b1, bOpens.Count - b1), "0.000"),
            ]);
        }

        return new StudyTable(
            "order",
            "Order effect: does the first model end first more often when it opens?",
            "The share of conversations in which the first-named model ended first, when it opened and when the other did; p from Fisher's exact test (two-sided).",
            ["Model (with)", "Ends first when it opens", "Ends first when the other opens", "p (Fisher exact)"],
            rows);
    }

    private static StudyTable Repetitions(IReadOnlyList<StudyConversation> conversations)
    {
        // Each cell of the matrix (pair, order, opener, prompt) is an item; its repetitions are raters of who ended first.
        var repeated = conversations
            .GroupBy(c => string.Join('\u001f', c.ModelOf(c.FirstSeat), c.ModelOf(c.SecondSeat), c.Factors.GetValueOrDefault(StudyFactors.Opener), c.Factors.GetValueOrDefault(StudyFactors.SystemPrompt)))
            .Where(g => g.Count() >= 2)
            .ToList();
        var cells = repeated.Select(g => (IReadOnlyList<string?>)g.Select(Outcome).ToList()).ToList();
        var rows = new List<IReadOnlyList<StudyCell>>
        {
            new[] { StudyCell.Of("Who ends first (opener, answerer, no one)"), StudyCell.Count(cells.Count), StudyCell.Number(Agreement.FleissKappa(cells)) },
            new[]
            {
                StudyCell.Of("Whether a goodbye loop forms"),
                StudyCell.Count(cells.Count),
                StudyCell.Number(Agreement.FleissKappa([.. repeated.Select(g => (IReadOnlyList<string?>)g.Select(c => c.Analysis.GoodbyeLoop is null ? "no" : "yes").ToList())])),
            },
        };
        return new StudyTable(
            "repetitions",
            "Agreement across repetitions",
            "Fleiss' kappa over the cells of the matrix (pair, order, opener, prompt) that ran more than once: 1 = every repetition ended the same way, 0 = no more alike than chance; – when every conversation ended alike (kappa is undefined then).",
            ["Outcome", "Cells repeated", "Fleiss' κ"],
            rows);
    }

    private static string Outcome(StudyConversation c) =>
        c.Analysis.EndToken.FirstSeat is not { } seat ? "no one" : seat == c.FirstSeat ? "opener" : "answerer";
}
