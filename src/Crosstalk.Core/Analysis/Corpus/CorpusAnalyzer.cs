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
    private readonly CorpusSums _sums = new();

    /// <summary>Creates an empty aggregate.</summary>
    /// <param name="options">Transcript analysis settings; defaults when null.</param>
    public CorpusAnalyzer(AnalysisOptions? options = null)
    {
        _options = options ?? new AnalysisOptions();
        _options.Validate();
    }

    /// <summary>How many conversations were added.</summary>
    public int Count => _sums.Conversations;

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

    /// <summary>Analyses every transcript of <paramref name="transcripts"/> as they arrive, on every core.</summary>
    public static async Task<CorpusAnalysis> AnalyzeAsync(
        IAsyncEnumerable<Transcript> transcripts,
        AnalysisOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        var analyzer = new CorpusAnalyzer(options);
        await foreach (var (_, facts) in transcripts.SelectAsync(analyzer.Prepare, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            analyzer.Add(facts);
        }

        return analyzer.Build();
    }

    /// <summary>
    /// Analyses <paramref name="transcript"/> with this aggregate's options without adding it: safe on any thread, so a
    /// corpus is analysed on every core and the facts added (<see cref="Add(ConversationFacts)"/>) in order.
    /// </summary>
    public (TranscriptAnalysis Analysis, ConversationFacts Facts) Prepare(Transcript transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return TranscriptAnalyzer.AnalyzeWithFacts(transcript, _options, cancellationToken);
    }

    /// <summary>Analyses <paramref name="transcript"/> and adds it to the tables.</summary>
    /// <returns>The transcript's own analysis, for callers that also report per conversation.</returns>
    public TranscriptAnalysis Add(Transcript transcript, CancellationToken cancellationToken = default)
    {
        var (analysis, facts) = Prepare(transcript, cancellationToken);
        Add(facts);
        return analysis;
    }

    /// <summary>Adds an analysis already made of <paramref name="transcript"/> (with this aggregate's options).</summary>
    public void Add(Transcript transcript, TranscriptAnalysis analysis) => Add(ConversationFacts.From(transcript, analysis));

    /// <summary>Adds the facts of one conversation (the same the store keeps and sums in SQL).</summary>
    public void Add(ConversationFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var sums = _sums;
        sums.Conversations++;
        var reason = facts.StopReason ?? "unknown";
        sums.StopReasons[reason] = sums.StopReasons.GetValueOrDefault(reason) + 1;
        sums.Lengths[facts.Messages] = sums.Lengths.GetValueOrDefault(facts.Messages) + 1;
        if (facts.FirstEnd is { } first)
        {
            sums.FirstEnds[first] = sums.FirstEnds.GetValueOrDefault(first) + 1;
        }
        else
        {
            sums.WithoutEnd++;
        }

        sums.Messages += facts.Messages;
        sums.MessagesAfterFirstEnd += facts.MessagesAfterFirstEnd;
        var loop = facts.GoodbyeLoopLength > 0;
        sums.GoodbyeLoops += loop ? 1 : 0;
        var hadEnd = facts.FirstEnd is not null;
        // A model talking to itself sits on both seats: its messages and words are both seats', but the conversation is
        // one conversation of that model (counted once, as the store's SQL sums count it).
        foreach (var seats in facts.Seats.GroupBy(s => s.Model, StringComparer.Ordinal))
        {
            var model = sums.Model(seats.Key);
            model.Conversations++;
            model.Refused += seats.Any(s => s.Refusals > 0) ? 1 : 0;
            model.Loops += loop ? 1 : 0;
            model.FirstToEnd += seats.Any(s => s.EndedFirst) ? 1 : 0;
            if (hadEnd)
            {
                model.WithEnd++;
                model.AfterFirstEnd += facts.MessagesAfterFirstEnd;
            }
        }

        foreach (var seat in facts.Seats)
        {
            var model = sums.Model(seat.Model);
            model.Messages += seat.Messages;
            model.Words += seat.Words;
            model.Refusals += seat.Refusals;
            model.Emoji += seat.Emoji;
            model.Garbled += seat.Garbled;
            model.Judged += seat.Judged;
            if (hadEnd)
            {
                model.TokensAfterFirstEnd += seat.TokensAfterFirstEnd;
                if (seat.CostAfterFirstEnd is { } cost)
                {
                    model.CostAfterFirstEnd = (model.CostAfterFirstEnd ?? 0) + cost;
                }
            }

            sums.AddWords(model, seat.WordCounts);
            foreach (var (emoji, count) in seat.EmojiCounts)
            {
                model.EmojiCounts[emoji] = model.EmojiCounts.GetValueOrDefault(emoji) + count;
            }
        }

        var pair = sums.Pair(facts.Pair);
        pair.Conversations++;
        pair.Messages += facts.Messages;
        pair.Refused += facts.Refusals > 0 ? 1 : 0;
        pair.Loops += loop ? 1 : 0;
        if (hadEnd)
        {
            pair.WithEnd++;
            pair.AfterFirstEnd += facts.MessagesAfterFirstEnd;
            pair.TokensAfterFirstEnd += facts.TokensAfterFirstEnd;
            if (facts.CostAfterFirstEnd is { } cost)
            {
                pair.CostAfterFirstEnd = (pair.CostAfterFirstEnd ?? 0) + cost;
            }
        }

        sums.Rows.Add(facts.ToRow());
    }

    /// <summary>The tables for everything added so far.</summary>
    public CorpusAnalysis Build() => _sums.ToAnalysis(_options);
}
