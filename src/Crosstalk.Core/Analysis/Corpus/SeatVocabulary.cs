using Crosstalk.Transcripts;

namespace Crosstalk.Analysis;

/// <summary>One seat's content-word and emoji counts in one transcript, passed from the transcript analysis to the corpus aggregate.</summary>
internal sealed record SeatVocabulary(Dictionary<string, int> Words, Dictionary<string, int> Emoji)
{
    /// <summary>Counts a seat's words the way the transcript analysis does, for analyses made elsewhere.</summary>
    public static SeatVocabulary Of(Transcript transcript, int seat)
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var emoji = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in transcript.Messages.Where(m => m.Seat == seat))
        {
            foreach (var (word, count) in LexicalMeasures.Counts(TextWords.Lower(message.Content), skipStopWords: true))
            {
                words[word] = words.GetValueOrDefault(word) + count;
            }

            foreach (var e in TextWords.Emoji(message.Content))
            {
                emoji[e] = emoji.GetValueOrDefault(e) + 1;
            }
        }

        return new SeatVocabulary(words, emoji);
    }
}
