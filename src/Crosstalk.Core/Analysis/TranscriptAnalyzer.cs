using Crosstalk.Transcripts;

namespace Crosstalk.Analysis;

/// <summary>
/// The deterministic analysis of one transcript: counts per seat, end signals, goodbye loop, refusals,
/// repetition, lexical dynamics and garbled words. No network, no clock, no randomness: the same transcript
/// always gives the same analysis.
/// </summary>
/// <remarks>
/// The per-message loops of the measures and detectors (words, shingles, emoji, garbled words, farewells, refusals, the
/// closing kind, the shingle indexes) are marked <c>MethodImplOptions.AggressiveOptimization</c>: a command analyses a
/// folder once, in a fresh process that keeps meeting new code, and the runtime kept putting off optimising them — a
/// fifth of an import's CPU time went to their first, unoptimised code (BENCHMARKS.md, "A real collection"). This is
/// for the build and the tool package, which run IL: ReadyToRun leaves methods so marked out of its image (they are
/// compiled, optimised, on their first call in each process), so the single files compile these loops at start too;
/// whether dropping the attribute there would be faster was not measured.
/// </remarks>
public static class TranscriptAnalyzer
{
    /// <summary>
    /// The analyzer's version: raised whenever a result would change for the same transcript, so that stored analyses
    /// made by an earlier version are recomputed. 4: a link written in capitals ("WWW.EXAMPLE.COM") is left out of the
    /// garbled-word pass, as one in lower case always was. 5: the refusal pass takes out every quoted passage its rule
    /// describes (the pattern engine it used missed some, after a stray closing mark).
    /// </summary>
    public const int Version = 5;

    /// <summary>Analyses <paramref name="transcript"/>.</summary>
    /// <param name="transcript">A finished or running conversation.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="cancellationToken">
    /// Checked between messages: the work per message is bounded (linear in its length), so a request whose reader has
    /// gone, or a Ctrl+C, stops the analysis of even a huge transcript promptly.
    /// </param>
    public static TranscriptAnalysis Analyze(Transcript transcript, AnalysisOptions? options = null, CancellationToken cancellationToken = default) =>
        Analyze(transcript, options, vocabularies: null, cancellationToken);

    /// <summary>
    /// Analyses <paramref name="transcript"/> and reads the corpus tables' facts from that same pass, each seat's words
    /// counted once (what <see cref="ConversationFacts.From(Transcript, TranscriptAnalysis)"/> counts again for an
    /// analysis made elsewhere).
    /// </summary>
    public static (TranscriptAnalysis Analysis, ConversationFacts Facts) AnalyzeWithFacts(
        Transcript transcript, AnalysisOptions? options = null, CancellationToken cancellationToken = default)
    {
        var vocabularies = new Dictionary<int, SeatVocabulary>();
        var analysis = Analyze(transcript, options, vocabularies, cancellationToken);
        return (analysis, ConversationFacts.From(transcript, analysis, vocabularies));
    }

    /// <summary>Analyses, also handing each seat's content-word and emoji counts to the corpus aggregate.</summary>
    internal static TranscriptAnalysis Analyze(
        Transcript transcript, AnalysisOptions? options, Dictionary<int, SeatVocabulary>? vocabularies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        options ??= new AnalysisOptions();
        options.Validate();

        var messages = transcript.Messages;
        var n = messages.Count;
        var opener = options.FirstMessageIsOpener
            && !(transcript.Metadata.TryGetValue(TranscriptMetadataKeys.FirstMessage, out var first) && first == TranscriptMetadataKeys.FirstMessageSpoken);
        var firstJudged = opener ? 1 : 0;

        var words = new List<string>[n];
        var content = new Dictionary<string, int>[n];
        var shingles = new ShingleSet[n];
        var wordCounts = new int[n];
        var endTokens = new bool[n];
        var farewells = new bool[n];
        var refusals = new bool[n];
        var worded = new bool[n];
        var emoji = new List<string>[n];
        var garbled = new IReadOnlyList<string>[n];
        var judged = new int[n];

        // A message that says exactly what an earlier one said (a goodbye loop, a model stuck on one reply) is measured once:
        // every measure below depends on the text alone.
        var firstWithText = new Dictionary<string, int>(StringComparer.Ordinal);
        var same = new int[n];
        for (var i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var text = messages[i].Content;
            if (firstWithText.TryGetValue(text, out var earlier) && (earlier >= firstJudged || i < firstJudged))
            {
                same[i] = earlier;
                words[i] = words[earlier];
                content[i] = content[earlier];
                wordCounts[i] = wordCounts[earlier];
                shingles[i] = shingles[earlier];
                emoji[i] = emoji[earlier];
                garbled[i] = garbled[earlier];
                judged[i] = judged[earlier];
                endTokens[i] = endTokens[earlier];
                farewells[i] = farewells[earlier];
                worded[i] = worded[earlier];
                refusals[i] = refusals[earlier];
                continue;
            }

            if (!firstWithText.TryGetValue(text, out var before) || (before < firstJudged && i >= firstJudged))
            {
                firstWithText[text] = i;
            }

            same[i] = i;
            words[i] = TextWords.Lower(text);
            content[i] = LexicalMeasures.Counts(words[i], skipStopWords: true);
            wordCounts[i] = TextWords.Count(text);
            shingles[i] = ShingleSet.Create(text);
            emoji[i] = TextWords.Emoji(text);
            garbled[i] = GarbledWordDetector.Find(text, out judged[i]);
            if (i >= firstJudged)
            {
                endTokens[i] = EndTokenDetector.EndsWithToken(text, options.EndToken);
                farewells[i] = FarewellDetector.IsFarewell(text, options.EndToken, out var saysSomething);
                worded[i] = farewells[i] && saysSomething;
                refusals[i] = RefusalDetector.IsRefusal(text);
            }
        }

        var opening = OpeningCounts(content, firstJudged, options.OpeningMessages);
        var perMessage = new MessageAnalysis[n];
        var echo = new double?[n];
        var openingNorm = LexicalMeasures.Norm(opening);
        for (var i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i > 0 && messages[i - 1].Seat != messages[i].Seat && content[i].Count > 0)
            {
                // The share of this message's content words that the one before it used.
                var shared = 0;
                foreach (var word in content[i].Keys)
                {
                    shared += content[i - 1].ContainsKey(word) ? 1 : 0;
                }

                echo[i] = (double)shared / content[i].Count;
            }

            perMessage[i] = new MessageAnalysis(
                i + 1,
                messages[i].Seat,
                wordCounts[i],
                messages[i].Content.Length,
                same[i] < i ? perMessage[same[i]].TypeTokenRatio : Round(LexicalMeasures.TypeTokenRatio(words[i])),
                same[i] < i ? perMessage[same[i]].CompressionRatio : Round(LexicalMeasures.CompressionRatio(messages[i].Content)),
                emoji[i].Count,
                endTokens[i],
                farewells[i],
                refusals[i],
                same[i] < i ? perMessage[same[i]].Drift : Round(content[i].Count == 0 ? 0 : 1 - LexicalMeasures.Cosine(content[i], opening, openingNorm)),
                Round(echo[i] ?? 0),
                garbled[i]);
        }

        return new TranscriptAnalysis(
            transcript.Title.Length > 0 ? transcript.Title : Transcript.TitleFor(transcript.Participants),
            n,
            transcript.Stop?.Reason,
            EndTokens(messages, endTokens, options.EndToken),
            GoodbyeLoopDetector.Find(farewells, endTokens, worded, options.GoodbyeLoopMinLength, options.GoodbyeLoopMaxGap)
                ?? ClosingFade(messages, same, firstJudged, endTokens, options, cancellationToken),
            [.. Enumerable.Range(0, n).Where(i => refusals[i]).Select(i => i + 1)],
            NearDuplicates(messages, shingles, wordCounts, options, cancellationToken),
            Seats(transcript, words, content, shingles, wordCounts, endTokens, farewells, refusals, emoji, garbled, judged, echo, options, vocabularies, cancellationToken),
            Lexical(messages, wordCounts, perMessage, content, opening, emoji, options, opener),
            Garbled(messages, garbled, judged.Sum()),
            perMessage);
    }

    /// <summary>Output tokens of a message: recorded, or about four characters a token.</summary>
    internal static long TokensOf(TranscriptMessage message, out bool estimated)
    {
        estimated = message.Usage is null;
        return message.Usage?.OutputTokens ?? (message.Content.Trim().Length + 3) / 4;
    }

    private static Dictionary<string, int> OpeningCounts(Dictionary<string, int>[] content, int first, int count)
    {
        var opening = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = 0;
        for (var i = first; i < content.Length && taken < count; i++)
        {
            if (content[i].Count == 0)
            {
                continue;
            }

            taken++;
            foreach (var (word, c) in content[i])
            {
                opening[word] = opening.GetValueOrDefault(word) + c;
            }
        }

        return opening;
    }

    private static EndTokenAnalysis EndTokens(IList<TranscriptMessage> messages, bool[] endTokens, string token)
    {
        int? first = null, firstSeat = null, mutual = null;
        var count = 0;
        long tokensAfter = 0;
        decimal? costAfter = null;
        for (var i = 0; i < messages.Count; i++)
        {
            if (first is not null)
            {
                tokensAfter += TokensOf(messages[i], out _);
                if (messages[i].Cost is { } cost)
                {
                    costAfter = (costAfter ?? 0) + cost;
                }
            }

            if (!endTokens[i])
            {
                continue;
            }

            count++;
            if (first is null)
            {
                first = i + 1;
                firstSeat = messages[i].Seat;
            }

            if (mutual is null && i > 0 && endTokens[i - 1] && messages[i - 1].Seat != messages[i].Seat)
            {
                mutual = i + 1;
            }
        }

        return new EndTokenAnalysis(
            token,
            first,
            firstSeat,
            mutual,
            count,
            first is null ? 0 : messages.Count - first.Value,
            mutual is null ? 0 : messages.Count - mutual.Value,
            tokensAfter,
            costAfter);
    }

    private static List<NearDuplicate> NearDuplicates(
        IList<TranscriptMessage> messages, ShingleSet[] shingles, int[] wordCounts, AnalysisOptions options, CancellationToken cancellationToken)
    {
        var pairs = new List<NearDuplicate>();
        using var index = new NearDuplicateIndex(options.NearDuplicateThreshold, shingles, i => wordCounts[i] >= options.NearDuplicateMinWords && shingles[i].Count > 0);
        for (var j = 0; j < messages.Count; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (wordCounts[j] < options.NearDuplicateMinWords || shingles[j].Count == 0)
            {
                continue;
            }

            var candidates = index.CandidatesThenAdd(j);
            candidates.Reverse();
            foreach (var i in candidates)
            {
                var similarity = shingles[i].Similarity(shingles[j]);
                if (similarity >= options.NearDuplicateThreshold)
                {
                    pairs.Add(new NearDuplicate(i + 1, j + 1, Round(similarity), messages[i].Seat == messages[j].Seat));
                }
            }
        }

        return pairs;
    }

    private static List<SeatStatistics> Seats(
        Transcript transcript,
        List<string>[] words,
        Dictionary<string, int>[] content,
        ShingleSet[] shingles,
        int[] wordCounts,
        bool[] endTokens,
        bool[] farewells,
        bool[] refusals,
        List<string>[] emoji,
        IReadOnlyList<string>[] garbled,
        int[] judged,
        double?[] echo,
        AnalysisOptions options,
        Dictionary<int, SeatVocabulary>? vocabularies,
        CancellationToken cancellationToken)
    {
        var messages = transcript.Messages;
        var seats = transcript.Participants.Select(p => p.Seat)
            .Concat(messages.Select(m => m.Seat))
            .Distinct()
            .Order()
            .ToList();

        var totalCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var counts in content)
        {
            foreach (var (word, c) in counts)
            {
                totalCounts[word] = totalCounts.GetValueOrDefault(word) + c;
            }
        }

        // Each seat's messages and participant, found in one pass (an imported file may have thousands of seats).
        var bySeat = seats.ToDictionary(seat => seat, _ => new List<int>());
        for (var i = 0; i < messages.Count; i++)
        {
            bySeat[messages[i].Seat].Add(i);
        }

        var participants = new Dictionary<int, Participant>();
        foreach (var p in transcript.Participants)
        {
            participants.TryAdd(p.Seat, p);
        }

        var totalSize = totalCounts.Values.Sum(v => (long)v);
        var result = new List<SeatStatistics>();
        foreach (var seat in seats)
        {
            var mine = bySeat[seat];
            var participant = participants.GetValueOrDefault(seat);
            var name = participant?.Name ?? (mine.Count > 0 ? messages[mine[0]].Speaker : $"Seat {seat}");

            long tokens = 0;
            var estimated = false;
            var latencies = new List<double>();
            decimal? cost = null;
            var seatWords = new HashSet<string>(StringComparer.Ordinal);
            var seatWordCount = 0;
            var seatCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            var selfRepetition = new List<double>();
            using var repetitionIndex = new SelfRepetitionIndex(SelfRepetitionWindow, mine.Sum(i => shingles[i].Count));
            var seen = 0;
            foreach (var i in mine)
            {
                cancellationToken.ThrowIfCancellationRequested();
                tokens += TokensOf(messages[i], out var guess);
                estimated |= guess;
                if (messages[i].Latency is { } latency)
                {
                    latencies.Add(latency.TotalSeconds);
                }

                if (messages[i].Cost is { } c)
                {
                    cost = (cost ?? 0) + c;
                }

                seatWords.UnionWith(words[i]);
                seatWordCount += words[i].Count;
                foreach (var (word, count) in content[i])
                {
                    seatCounts[word] = seatCounts.GetValueOrDefault(word) + count;
                }

                var nearest = repetitionIndex.Add(shingles[i]);
                if (shingles[i].Count > 0 && seen > 0)
                {
                    selfRepetition.Add(nearest);
                }

                seen++;
            }

            var lengths = mine.Select(i => (double)wordCounts[i]).ToList();
            var echoes = mine.Where(i => echo[i] is not null).Select(i => echo[i]!.Value).ToList();
            result.Add(new SeatStatistics(
                seat,
                name,
                participant?.Model,
                mine.Count,
                mine.Sum(i => (long)wordCounts[i]),
                tokens,
                estimated,
                Round(lengths.Count == 0 ? 0 : lengths.Average()),
                Round(LexicalMeasures.Median(lengths)),
                latencies.Count == 0 ? null : Round(latencies.Average()),
                cost,
                mine.Count(i => endTokens[i]),
                mine.Count(i => farewells[i]),
                mine.Count(i => refusals[i]),
                Round(selfRepetition.Count == 0 ? 0 : selfRepetition.Average()),
                Round(echoes.Count == 0 ? 0 : echoes.Average()),
                Round(LexicalMeasures.TypeTokenRatio(seatWords.Count, seatWordCount)),
                mine.Sum(i => emoji[i].Count),
                TopEmoji(mine.SelectMany(i => emoji[i]), options.TopCount),
                DistinctiveWords(seatCounts, totalCounts, options.TopCount, totalSize),
                mine.Sum(i => garbled[i].Count),
                mine.Sum(i => judged[i])));
            if (vocabularies is not null)
            {
                var emojiCounts = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var e in mine.SelectMany(i => emoji[i]))
                {
                    emojiCounts[e] = emojiCounts.GetValueOrDefault(e) + 1;
                }

                vocabularies[seat] = new SeatVocabulary(seatCounts, emojiCounts);
            }
        }

        return result;
    }

    // Read only when there is no chat goodbye loop (most conversations with one would not need it); each distinct text once.
    private static GoodbyeLoop? ClosingFade(
        IList<TranscriptMessage> messages, int[] same, int firstJudged, bool[] endTokens, AnalysisOptions options, CancellationToken cancellationToken)
    {
        var closing = new ClosingMessage[messages.Count];
        for (var i = firstJudged; i < messages.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            closing[i] = same[i] < i ? closing[same[i]] : ClosingDetector.Classify(messages[i].Content);
        }

        return ClosingDetector.Find([.. messages.Select(m => m.Content)], closing, endTokens, options.GoodbyeLoopMinLength);
    }

    /// <summary>How many of a seat's latest earlier messages its self-repetition compares a message with.</summary>
    internal const int SelfRepetitionWindow = 200;

    /// <summary>The most frequent emoji, ties broken by first appearance.</summary>
    internal static List<string> TopEmoji(IEnumerable<string> emoji, int count) =>
        [.. emoji.Select((e, i) => (e, i))
            .GroupBy(x => x.e, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.First().i)
            .Take(count)
            .Select(g => g.Key)];

    /// <summary>
    /// Words a part uses more than the rest: smoothed log-odds of the part's rate against the rest's,
    /// for words the part used at least twice.
    /// </summary>
    /// <param name="part">One seat's (or model's) word counts.</param>
    /// <param name="total">Everyone's word counts.</param>
    /// <param name="count">How many words at most.</param>
    /// <param name="totalSize">The sum of <paramref name="total"/>, when the caller has it (summed here otherwise).</param>
    internal static List<string> DistinctiveWords(IReadOnlyDictionary<string, int> part, IReadOnlyDictionary<string, int> total, int count, long? totalSize = null)
    {
        long partSize = part.Values.Sum(v => (long)v);
        long restSize = (totalSize ?? total.Values.Sum(v => (long)v)) - partSize;
        var vocabulary = Math.Max(total.Count, 1);
        return [.. part
            .Where(kv => kv.Value >= 2)
            .Select(kv =>
            {
                var rest = total.GetValueOrDefault(kv.Key) - kv.Value;
                var score = Math.Log((kv.Value + 0.5) / (partSize + vocabulary)) - Math.Log((rest + 0.5) / (restSize + vocabulary));
                return (Word: kv.Key, Score: score, kv.Value);
            })
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score)
            .ThenByDescending(x => x.Value)
            .ThenBy(x => x.Word, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.Word)];
    }

    private static LexicalDynamics Lexical(
        IList<TranscriptMessage> messages,
        int[] wordCounts,
        MessageAnalysis[] perMessage,
        Dictionary<string, int>[] content,
        Dictionary<string, int> opening,
        List<string>[] emoji,
        AnalysisOptions options,
        bool opener)
    {
        var first = opener && messages.Count > 1 ? 1 : 0;
        var spoken = perMessage.Skip(first).ToList();
        var tail = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = Math.Max(0, messages.Count - Math.Max(1, (messages.Count - first) / 4)); i < messages.Count; i++)
        {
            foreach (var (word, c) in content[i])
            {
                tail[word] = tail.GetValueOrDefault(word) + c;
            }
        }

        return new LexicalDynamics(
            Round(LexicalMeasures.Slope([.. wordCounts.Skip(first).Select(w => (double)w)])),
            Round(spoken.Count == 0 ? 0 : spoken.Average(m => m.TypeTokenRatio)),
            Round(spoken.Count == 0 ? 0 : spoken.Average(m => m.CompressionRatio)),
            Round(tail.Count == 0 || opening.Count == 0 ? 0 : 1 - LexicalMeasures.Cosine(tail, opening)),
            emoji.Sum(e => e.Count),
            TopEmoji(emoji.SelectMany(e => e), options.TopCount));
    }

    private static GarbledSummary Garbled(IList<TranscriptMessage> messages, IReadOnlyList<string>[] garbled, int judged)
    {
        var words = new List<GarbledWord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            foreach (var word in garbled[i])
            {
                if (seen.Add(word))
                {
                    words.Add(new GarbledWord(word, i + 1, messages[i].Seat));
                }
            }
        }

        var total = garbled.Sum(g => g.Count);
        return new GarbledSummary(judged, judged == 0 ? 0 : Math.Round((double)total / judged, 5), words);
    }

    private static double Round(double value) => Math.Round(value, 3);
}
