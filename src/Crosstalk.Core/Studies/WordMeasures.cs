using Crosstalk.Statistics;

namespace Crosstalk.Studies;

/// <summary>
/// The <c>self-interaction</c> study's tables, laid out as the Claude Opus 4 system card's §5.5.2 table: for each model
/// and word (or emoji), the mean uses per transcript and the share of transcripts that use it at least once; and, when
/// the models may end the conversation, when they do.
/// </summary>
public static class WordMeasures
{
    /// <summary>The tables for <paramref name="conversations"/> and <paramref name="words"/>.</summary>
    public static IReadOnlyList<StudyTable> Tables(IReadOnlyList<StudyConversation> conversations, IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(words);
        var rows = new List<IReadOnlyList<StudyCell>>();
        var endings = new List<IReadOnlyList<StudyCell>>();
        foreach (var model in conversations.SelectMany(c => c.Models).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            // A transcript counts for a model with what its seats said (both seats, when it talks with itself); the
            // experiment's opener is the study's words, not the model's.
            var transcripts = conversations
                .Where(c => c.Models.Contains(model, StringComparer.Ordinal))
                .Select(c => (Conversation: c, Text: string.Join('\n', c.Transcript.Messages.Skip(c.ScriptedOpener ? 1 : 0).Where(m => c.ModelOf(m.Seat) == model).Select(m => m.Content))))
                .ToList();
            foreach (var word in words)
            {
                var uses = transcripts.Select(t => (double)Count(t.Text, word)).ToList();
                rows.Add(
                [
                    StudyCell.Of(model),
                    StudyCell.Of(word),
                    StudyCell.Estimate(Bootstrap.Mean(uses), "0.##"),
                    StudyCell.Share(uses.Count(u => u > 0), uses.Count),
                    StudyCell.Number(uses.Count == 0 ? double.NaN : uses.Max(), "0"),
                ]);
            }

            var list = transcripts.Select(t => t.Conversation).ToList();
            var ended = list.Where(c => c.Analysis.EndToken.First is not null).ToList();
            endings.Add(
            [
                StudyCell.Of(model),
                StudyCell.Count(list.Count),
                StudyCell.Share(ended.Count, list.Count),
                StudyCell.Estimate(Bootstrap.Median([.. ended.Select(c => (double)c.Analysis.EndToken.First!.Value)]), "0.#"),
                StudyCell.Estimate(Bootstrap.Median([.. ended.Select(c => (double)StudyConversation.Turn(c.Analysis.EndToken.First!.Value))]), "0.#"),
            ]);
        }

        return
        [
            new StudyTable(
                "words",
                "Words and emoji per transcript",
                "Mean uses per transcript with a bootstrap 95% interval; the share of transcripts using it at least once with a Wilson 95% interval. Words are matched whole and ignoring case; emoji wherever they occur.",
                ["Model", "Word", "Mean uses per transcript", "Transcripts using it", "Most in one transcript"],
                rows,
                Chart: 3),
            new StudyTable(
                "endings",
                "When the models end the conversation",
                "Someone ended: a message ended with the end token. The turn counts a pair of messages (opener and reply = turn 1).",
                ["Model", "Transcripts", "Someone ended", "Median message of first end", "Median turn of first end"],
                endings,
                Chart: 2),
        ];
    }

    /// <summary>
    /// How often <paramref name="word"/> occurs in <paramref name="text"/>: a word of letters and digits as a whole word,
    /// ignoring case ("Consciousness," counts, "subconsciousness" does not); anything else (an emoji) wherever it occurs.
    /// </summary>
    public static int Count(string text, string word)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(word);
        var whole = word.All(char.IsLetterOrDigit);
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.OrdinalIgnoreCase))
        {
            if (!whole || ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (at + word.Length == text.Length || !char.IsLetterOrDigit(text[at + word.Length]))))
            {
                count++;
            }
        }

        return count;
    }
}
