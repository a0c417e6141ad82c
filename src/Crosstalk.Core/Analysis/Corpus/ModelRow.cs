namespace Crosstalk.Analysis;

/// <summary>
/// What one model did across a corpus. A model talking to itself is one conversation of that model, with the messages
/// and words of both its seats.
/// </summary>
/// <param name="Model">The model id, or the participant's name when the model is unknown.</param>
/// <param name="Conversations">Conversations it took part in.</param>
/// <param name="Messages">Messages it sent.</param>
/// <param name="Words">Words it sent.</param>
/// <param name="RefusalRate">Share of its messages that decline.</param>
/// <param name="ConversationsWithRefusal">Conversations in which it declined at least once.</param>
/// <param name="GoodbyeLoopRate">Share of its conversations that fell into a goodbye loop.</param>
/// <param name="EndTokenFirstRate">Share of its conversations in which it sent the first end token.</param>
/// <param name="MeanMessagesAfterFirstEnd">Mean messages spoken after the first end signal, over its conversations that had one.</param>
/// <param name="TokensAfterFirstEnd">Output tokens it produced after the first end signal.</param>
/// <param name="CostAfterFirstEnd">Recorded cost of those messages, when recorded.</param>
/// <param name="EmojiPerMessage">Emoji per message.</param>
/// <param name="TopEmoji">Its most used emoji.</param>
/// <param name="Keywords">Words it uses much more than the other models.</param>
/// <param name="GarbledRate">Garbled words per judged word.</param>
public sealed record ModelRow(
    string Model,
    int Conversations,
    long Messages,
    long Words,
    double RefusalRate,
    int ConversationsWithRefusal,
    double GoodbyeLoopRate,
    double EndTokenFirstRate,
    double MeanMessagesAfterFirstEnd,
    long TokensAfterFirstEnd,
    decimal? CostAfterFirstEnd,
    double EmojiPerMessage,
    IReadOnlyList<string> TopEmoji,
    IReadOnlyList<string> Keywords,
    double GarbledRate);
