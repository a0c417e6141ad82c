namespace Crosstalk.Analysis;

/// <summary>What the deterministic analysis found across many conversations. Serialize with <see cref="AnalysisJsonContext"/>.</summary>
/// <param name="Conversations">How many conversations were analysed.</param>
/// <param name="Messages">How many messages they hold.</param>
/// <param name="StopReasons">Conversations per stop reason ("unknown" when none was recorded), most frequent first.</param>
/// <param name="Lengths">Conversations per length in messages, shortest first.</param>
/// <param name="FirstEndMessages">Conversations per message index of the first end signal ("none" for conversations without one).</param>
/// <param name="GoodbyeLoops">How many conversations fell into a goodbye loop.</param>
/// <param name="MessagesAfterFirstEnd">Messages spoken after the first end signal, over all conversations.</param>
/// <param name="Models">One row per model, by model name.</param>
/// <param name="Pairs">One row per unordered pair of models, by pair name.</param>
/// <param name="Rows">One row per conversation, in the order read.</param>
public sealed record CorpusAnalysis(
    int Conversations,
    long Messages,
    IReadOnlyList<CountRow> StopReasons,
    IReadOnlyList<CountRow> Lengths,
    IReadOnlyList<CountRow> FirstEndMessages,
    int GoodbyeLoops,
    long MessagesAfterFirstEnd,
    IReadOnlyList<ModelRow> Models,
    IReadOnlyList<PairRow> Pairs,
    IReadOnlyList<ConversationRow> Rows);
