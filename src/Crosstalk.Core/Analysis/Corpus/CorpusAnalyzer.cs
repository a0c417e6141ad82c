using Crosstalk.Transcripts;

namespace Crosstalk.Analysis;

/// <summary>
/// Aggregates transcript analyses into corpus tables as transcripts stream by: only counters and one small row
/// per conversation are kept, never a transcript.
/// </summary>
/// <example>
/// <code>
/// var corpus = await CorpusAnalyzer.AnalyzeAsync(store.ReadAllAsync(run), options, cancellationToken);
/// </code>
/// </example>
public sealed class CorpusAnalyzer
{
    private readonly AnalysisOptions _options;
    private readonly Dictionary<string, int> _stopReasons = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, int> _lengths = [];
    private readonly SortedDictionary<int, int> _firstEnds = [];
    private readonly Dictionary<string, ModelTally> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PairTally> _pairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _allWords = new(StringComparer.Ordinal);
    private readonly List<ConversationRow> _rows = [];
    private int _withoutEnd;
    private long _messages;
    private int _goodbyeLoops;
    private long _afterFirstEnd;

    /// <summary>Creates an empty aggregate.</summary>
    /// <param name="options">Transcript analysis settings; defaults when null.</param>
    public CorpusAnalyzer(AnalysisOptions? options = null)
    {
        _options = options ?? new AnalysisOptions();
        _options.Validate();
    }

    /// <summary>How many conversations were added.</summary>
    public int Count => _rows.Count;

    /// <summary>Analyses every transcript of <paramref name="transcripts"/>, one at a time.</summary>
    public static CorpusAnalysis Analyze(IEnumerable<Transcript> transcripts, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        var analyzer = new CorpusAnalyzer(options);
        foreach (var transcript in transcripts)
        {
            analyzer.Add(transcript);
        }

        return analyzer.Build();
    }

    /// <summary>Analyses every transcript of <paramref name="transcripts"/>, one at a time, as they arrive.</summary>
    public static async Task<CorpusAnalysis> AnalyzeAsync(
        IAsyncEnumerable<Transcript> transcripts,
        AnalysisOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        var analyzer = new CorpusAnalyzer(options);
        await foreach (var transcript in transcripts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            analyzer.Add(transcript);
        }

        return analyzer.Build();
    }

    /// <summary>Analyses <paramref name="transcript"/> and adds it to the tables.</summary>
    /// <returns>The transcript's own analysis, for callers that also report per conversation.</returns>
    public TranscriptAnalysis Add(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var vocabularies = new Dictionary<int, SeatVocabulary>();
        var analysis = TranscriptAnalyzer.Analyze(transcript, _options, vocabularies);
        Add(transcript, analysis, vocabularies);
        return analysis;
    }

    /// <summary>Adds an analysis already made of <paramref name="transcript"/> (with this aggregate's options).</summary>
    public void Add(Transcript transcript, TranscriptAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(analysis);
        Add(transcript, analysis, vocabularies: null);
    }

    private void Add(Transcript transcript, TranscriptAnalysis analysis, Dictionary<int, SeatVocabulary>? vocabularies)
    {
        var reason = analysis.StopReason ?? "unknown";
        _stopReasons[reason] = _stopReasons.GetValueOrDefault(reason) + 1;
        _lengths[analysis.Messages] = _lengths.GetValueOrDefault(analysis.Messages) + 1;
        var end = analysis.EndToken;
        if (end.First is { } first)
        {
            _firstEnds[first] = _firstEnds.GetValueOrDefault(first) + 1;
        }
        else
        {
            _withoutEnd++;
        }

        _messages += analysis.Messages;
        _afterFirstEnd += end.MessagesAfterFirst;
        var loop = analysis.GoodbyeLoop is not null;
        if (loop)
        {
            _goodbyeLoops++;
        }

        var refused = analysis.Refusals.Count > 0;
        var modelsHere = new List<string>();
        foreach (var seat in analysis.Seats)
        {
            var key = seat.Model ?? seat.Name;
            modelsHere.Add(key);
            if (!_models.TryGetValue(key, out var tally))
            {
                tally = new ModelTally();
                _models[key] = tally;
            }

            TallySeat(tally, transcript, analysis, seat, loop, vocabularies?.GetValueOrDefault(seat.Seat) ?? VocabularyOf(transcript, seat.Seat));
        }

        var pairKey = string.Join(" ↔ ", modelsHere.Order(StringComparer.Ordinal));
        if (!_pairs.TryGetValue(pairKey, out var pair))
        {
            pair = new PairTally();
            _pairs[pairKey] = pair;
        }

        pair.Conversations++;
        pair.Messages += analysis.Messages;
        pair.Refused += refused ? 1 : 0;
        pair.Loops += loop ? 1 : 0;
        if (end.First is not null)
        {
            pair.WithEnd++;
            pair.AfterFirstEnd += end.MessagesAfterFirst;
            pair.TokensAfterFirstEnd += end.TokensAfterFirst;
            if (end.CostAfterFirst is { } cost)
            {
                pair.CostAfterFirstEnd = (pair.CostAfterFirstEnd ?? 0) + cost;
            }
        }

        transcript.Metadata.TryGetValue(TranscriptMetadataKeys.Source, out var source);
        if (source is null)
        {
            transcript.Metadata.TryGetValue("log_file", out source);
        }

        _rows.Add(new ConversationRow(
            analysis.Title,
            source,
            analysis.Messages,
            analysis.StopReason,
            end.First,
            end.MessagesAfterFirst,
            analysis.GoodbyeLoop?.Start,
            analysis.GoodbyeLoop?.Length ?? 0,
            analysis.Refusals.Count,
            analysis.NearDuplicates.Count,
            analysis.Garbled.Words.Count));
    }

    /// <summary>The tables for everything added so far.</summary>
    public CorpusAnalysis Build()
    {
        var firstEnds = _firstEnds.Select(kv => new CountRow(kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv.Value)).ToList();
        if (_withoutEnd > 0)
        {
            firstEnds.Add(new CountRow("none", _withoutEnd));
        }

        var models = _models
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => BuildModel(kv.Key, kv.Value))
            .ToList();
        var pairs = _pairs
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
            _rows.Count,
            _messages,
            [.. _stopReasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CountRow(kv.Key, kv.Value))],
            [.. _lengths.Select(kv => new CountRow(kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), kv.Value))],
            firstEnds,
            _goodbyeLoops,
            _afterFirstEnd,
            models,
            pairs,
            [.. _rows]);
    }

    private void TallySeat(ModelTally tally, Transcript transcript, TranscriptAnalysis analysis, SeatStatistics seat, bool loop, SeatVocabulary vocabulary)
    {
        tally.Conversations++;
        tally.Messages += seat.Messages;
        tally.Words += seat.Words;
        tally.Refusals += seat.Refusals;
        tally.Refused += seat.Refusals > 0 ? 1 : 0;
        tally.Loops += loop ? 1 : 0;
        tally.Emoji += seat.Emoji;
        tally.Garbled += seat.GarbledWords;
        var end = analysis.EndToken;
        if (end.FirstSeat == seat.Seat)
        {
            tally.FirstToEnd++;
        }

        if (end.First is { } first)
        {
            tally.WithEnd++;
            tally.AfterFirstEnd += end.MessagesAfterFirst;
            for (var i = first; i < transcript.Messages.Count; i++)
            {
                var message = transcript.Messages[i];
                if (message.Seat != seat.Seat)
                {
                    continue;
                }

                tally.TokensAfterFirstEnd += TranscriptAnalyzer.TokensOf(message, out _);
                if (message.Cost is { } cost)
                {
                    tally.CostAfterFirstEnd = (tally.CostAfterFirstEnd ?? 0) + cost;
                }
            }
        }

        tally.Judged += seat.JudgedWords;
        foreach (var (word, count) in vocabulary.Words)
        {
            if (word.All(char.IsDigit))
            {
                continue;
            }

            tally.Words2[word] = tally.Words2.GetValueOrDefault(word) + count;
            _allWords[word] = _allWords.GetValueOrDefault(word) + count;
        }

        foreach (var (emoji, count) in vocabulary.Emoji)
        {
            tally.EmojiCounts[emoji] = tally.EmojiCounts.GetValueOrDefault(emoji) + count;
        }
    }

    // For analyses made elsewhere: count the seat's words the way the transcript analysis does.
    private static SeatVocabulary VocabularyOf(Transcript transcript, int seat)
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

    private ModelRow BuildModel(string model, ModelTally tally) => new(
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
        [.. tally.EmojiCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(_options.TopCount).Select(kv => kv.Key)],
        _models.Count < 2 ? [] : TranscriptAnalyzer.DistinctiveWords(tally.Words2, _allWords, _options.TopCount),
        tally.Judged == 0 ? 0 : Math.Round((double)tally.Garbled / tally.Judged, 5));

    private static double Round(double value) => Math.Round(value, 3);

    private sealed class ModelTally
    {
        public int Conversations;
        public long Messages;
        public long Words;
        public long Refusals;
        public int Refused;
        public int Loops;
        public int FirstToEnd;
        public int WithEnd;
        public long AfterFirstEnd;
        public long TokensAfterFirstEnd;
        public decimal? CostAfterFirstEnd;
        public long Emoji;
        public long Garbled;
        public long Judged;
        public readonly Dictionary<string, int> Words2 = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> EmojiCounts = new(StringComparer.Ordinal);
    }

    private sealed class PairTally
    {
        public int Conversations;
        public long Messages;
        public int Refused;
        public int Loops;
        public int WithEnd;
        public long AfterFirstEnd;
        public long TokensAfterFirstEnd;
        public decimal? CostAfterFirstEnd;
    }
}
