namespace Crosstalk.Analysis;

/// <summary>What one seat did in one conversation, as the corpus tables sum it (see <see cref="ConversationFacts"/>).</summary>
/// <param name="Seat">The seat number.</param>
/// <param name="Model">The model that answered for it, or the participant's name when the model is unknown.</param>
/// <param name="Messages">Messages it sent.</param>
/// <param name="Words">Words it sent.</param>
/// <param name="Refusals">Messages that decline.</param>
/// <param name="Emoji">Emoji it sent.</param>
/// <param name="Garbled">Garbled words found in its messages.</param>
/// <param name="Judged">Words the garbled-word detector judged.</param>
/// <param name="EndedFirst">Whether it sent the first end token.</param>
/// <param name="TokensAfterFirstEnd">Output tokens it produced after the first end signal.</param>
/// <param name="CostAfterFirstEnd">Recorded cost of those messages, when recorded.</param>
/// <param name="WordCounts">Its content words with counts (the store keeps the most used <see cref="ConversationFacts.StoredVocabulary"/>).</param>
/// <param name="EmojiCounts">Its emoji with counts.</param>
public sealed record SeatFacts(
    int Seat,
    string Model,
    int Messages,
    long Words,
    int Refusals,
    int Emoji,
    int Garbled,
    int Judged,
    bool EndedFirst,
    long TokensAfterFirstEnd,
    decimal? CostAfterFirstEnd,
    IReadOnlyDictionary<string, int> WordCounts,
    IReadOnlyDictionary<string, int> EmojiCounts)
{
    /// <summary>This seat with its vocabulary cut to the <paramref name="count"/> most used words and emoji (ties by word).</summary>
    public SeatFacts WithTopVocabulary(int count) => this with
    {
        WordCounts = Top(WordCounts, count),
        EmojiCounts = Top(EmojiCounts, count),
    };

    private static Dictionary<string, int> Top(IReadOnlyDictionary<string, int> counts, int count) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(count).ToDictionary(StringComparer.Ordinal);
}
