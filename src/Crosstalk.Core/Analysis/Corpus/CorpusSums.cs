using System.Globalization;
using System.Runtime.InteropServices;

namespace Crosstalk.Analysis;

/// <summary>
/// The running sums behind the corpus tables. <see cref="CorpusAnalyzer"/> adds conversations to them one at a time; the
/// store fills them from SQL sums over the facts it keeps. Either way <see cref="ToAnalysis"/> turns them into the same
/// tables, with the same rates and roundings.
/// </summary>
public sealed class CorpusSums
{
    /// <summary>Conversations counted.</summary>
    public int Conversations { get; set; }

    /// <summary>Their messages.</summary>
    public long Messages { get; set; }

    /// <summary>Conversations with a goodbye loop.</summary>
    public int GoodbyeLoops { get; set; }

    /// <summary>Messages after the first end signal, over all conversations.</summary>
    public long MessagesAfterFirstEnd { get; set; }

    /// <summary>Conversations per stop reason ("unknown" when none was recorded).</summary>
    public Dictionary<string, int> StopReasons { get; } = new(StringComparer.Ordinal);

    /// <summary>Conversations per length.</summary>
    public SortedDictionary<int, int> Lengths { get; } = [];

    /// <summary>Conversations per index of the first end signal.</summary>
    public SortedDictionary<int, int> FirstEnds { get; } = [];

    /// <summary>Conversations without an end signal.</summary>
    public int WithoutEnd { get; set; }

    /// <summary>Per model (the model id, or a participant's name when unknown).</summary>
    public Dictionary<string, ModelSums> Models { get; } = new(StringComparer.Ordinal);

    /// <summary>Per unordered pair.</summary>
    public Dictionary<string, PairSums> Pairs { get; } = new(StringComparer.Ordinal);

    /// <summary>Content words over every model (the keyword scores' background).</summary>
    public Dictionary<string, int> AllWords { get; } = new(StringComparer.Ordinal);

    /// <summary>One row per conversation, when kept (the store does not: it may hold millions).</summary>
    public List<ConversationRow> Rows { get; } = [];

    /// <summary>The sums for <paramref name="model"/>, created empty on first use.</summary>
    public ModelSums Model(string model)
    {
        if (!Models.TryGetValue(model, out var sums))
        {
            Models[model] = sums = new ModelSums();
        }

        return sums;
    }

    /// <summary>The sums for <paramref name="pair"/>, created empty on first use.</summary>
    public PairSums Pair(string pair)
    {
        if (!Pairs.TryGetValue(pair, out var sums))
        {
            Pairs[pair] = sums = new PairSums();
        }

        return sums;
    }

    /// <summary>Adds a model's words to its own counts and to <see cref="AllWords"/>.</summary>
    public void AddWords(ModelSums model, IEnumerable<KeyValuePair<string, int>> words)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(words);
        foreach (var (word, count) in words)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(model.WordCounts, word, out _) += count;
            CollectionsMarshal.GetValueRefOrAddDefault(AllWords, word, out _) += count;
        }
    }

    /// <summary>The corpus tables for these sums.</summary>
    public CorpusAnalysis ToAnalysis(AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var firstEnds = FirstEnds.Select(kv => new CountRow(kv.Key.ToString(CultureInfo.InvariantCulture), kv.Value)).ToList();
        if (WithoutEnd > 0)
        {
            firstEnds.Add(new CountRow("none", WithoutEnd));
        }

        var allWords = AllWords.Values.Sum(v => (long)v);
        var models = Models
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => BuildModel(kv.Key, kv.Value, options, allWords))
            .ToList();
        var pairs = Pairs
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new PairRow(
                kv.Key,
                kv.Value.Conversations,
                Round((double)kv.Value.Messages / kv.Value.Conversations),
                Round((double)kv.Value.Refused / kv.Value.Conversations),
                Round((double)kv.Value.Loops / kv.Value.Conversations),
                Round((double)kv.Value.WithEnd / kv.Value.Conversations),
                kv.Value.WithEnd == 0 ? 0 : Round((double)kv.Value.AfterFirstEnd / kv.Value.WithEnd),
                kv.Value.TokensAfterFirstEnd,
                kv.Value.CostAfterFirstEnd))
            .ToList();

        return new CorpusAnalysis(
            Conversations,
            Messages,
            [.. StopReasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CountRow(kv.Key, kv.Value))],
            [.. Lengths.Select(kv => new CountRow(kv.Key.ToString(CultureInfo.InvariantCulture), kv.Value))],
            firstEnds,
            GoodbyeLoops,
            MessagesAfterFirstEnd,
            models,
            pairs,
            [.. Rows]);
    }

    private ModelRow BuildModel(string model, ModelSums tally, AnalysisOptions options, long allWords) => new(
        model,
        tally.Conversations,
        tally.Messages,
        tally.Words,
        tally.Messages == 0 ? 0 : Round((double)tally.Refusals / tally.Messages),
        tally.Refused,
        Round((double)tally.Loops / tally.Conversations),
        Round((double)tally.FirstToEnd / tally.Conversations),
        tally.WithEnd == 0 ? 0 : Round((double)tally.AfterFirstEnd / tally.WithEnd),
        tally.TokensAfterFirstEnd,
        tally.CostAfterFirstEnd,
        tally.Messages == 0 ? 0 : Round((double)tally.Emoji / tally.Messages),
        [.. tally.EmojiCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(options.TopCount).Select(kv => kv.Key)],
        Models.Count < 2 ? [] : TranscriptAnalyzer.DistinctiveWords(tally.WordCounts, AllWords, options.TopCount, allWords),
        tally.Judged == 0 ? 0 : Math.Round((double)tally.Garbled / tally.Judged, 5));

    private static double Round(double value) => Math.Round(value, 3);
}
