using Crosstalk.Transcripts;

namespace Crosstalk.Analysis;

/// <summary>
/// What the corpus tables need of one conversation's analysis, and nothing more: counts and flags per conversation and per
/// seat. <see cref="CorpusAnalyzer"/> sums these in memory; the store keeps them beside each conversation and sums them
/// in SQL. Both read them from <see cref="From(Transcript, TranscriptAnalysis)"/>, so a table means the same wherever it was computed.
/// </summary>
/// <param name="Title">The transcript's title.</param>
/// <param name="Source">Where it came from (its <c>source</c> or <c>log_file</c> metadata), if known.</param>
/// <param name="Messages">Its length.</param>
/// <param name="StopReason">Its recorded stop reason, if any.</param>
/// <param name="Pair">Its seats' models (or names), sorted and joined by " ↔ ".</param>
/// <param name="FirstEnd">The first end-token message, if any.</param>
/// <param name="FirstEndSeat">The seat that sent it.</param>
/// <param name="MessagesAfterFirstEnd">Messages after it.</param>
/// <param name="TokensAfterFirstEnd">Output tokens after it.</param>
/// <param name="CostAfterFirstEnd">Recorded cost after it, when recorded.</param>
/// <param name="GoodbyeLoopStart">Where its goodbye loop starts, if it has one.</param>
/// <param name="GoodbyeLoopLength">How long the loop is (0 without one).</param>
/// <param name="Refusals">How many messages decline.</param>
/// <param name="NearDuplicates">How many near-duplicate pairs it has.</param>
/// <param name="GarbledWords">How many distinct garbled words it has.</param>
/// <param name="Seats">One entry per seat, in seat order.</param>
public sealed record ConversationFacts(
    string Title,
    string? Source,
    int Messages,
    string? StopReason,
    string Pair,
    int? FirstEnd,
    int? FirstEndSeat,
    int MessagesAfterFirstEnd,
    long TokensAfterFirstEnd,
    decimal? CostAfterFirstEnd,
    int? GoodbyeLoopStart,
    int GoodbyeLoopLength,
    int Refusals,
    int NearDuplicates,
    int GarbledWords,
    IReadOnlyList<SeatFacts> Seats)
{
    /// <summary>How many words and emoji of each seat's vocabulary the store keeps for the keyword tables.</summary>
    public const int StoredVocabulary = 100;

    /// <summary>Where a transcript says it came from (its <c>source</c>, else a <c>log_file</c> its file carried), shown beside it in the tables.</summary>
    public static string? SourceOf(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.Metadata.TryGetValue(TranscriptMetadataKeys.Source, out var source) ? source
            : transcript.Metadata.TryGetValue("log_file", out source) ? source : null;
    }

    /// <summary>The facts of <paramref name="transcript"/>, from its analysis.</summary>
    public static ConversationFacts From(Transcript transcript, TranscriptAnalysis analysis) => From(transcript, analysis, vocabularies: null);

    internal static ConversationFacts From(Transcript transcript, TranscriptAnalysis analysis, IReadOnlyDictionary<int, SeatVocabulary>? vocabularies)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(analysis);
        var end = analysis.EndToken;
        var seats = new List<SeatFacts>(analysis.Seats.Count);
        foreach (var seat in analysis.Seats)
        {
            long tokensAfter = 0;
            decimal? costAfter = null;
            if (end.First is { } first)
            {
                for (var i = first; i < transcript.Messages.Count; i++)
                {
                    var message = transcript.Messages[i];
                    if (message.Seat != seat.Seat)
                    {
                        continue;
                    }

                    tokensAfter += TranscriptAnalyzer.TokensOf(message, out _);
                    if (message.Cost is { } cost)
                    {
                        costAfter = (costAfter ?? 0) + cost;
                    }
                }
            }

            var vocabulary = vocabularies?.GetValueOrDefault(seat.Seat) ?? SeatVocabulary.Of(transcript, seat.Seat);
            seats.Add(new SeatFacts(
                seat.Seat,
                seat.Model ?? seat.Name,
                seat.Messages,
                seat.Words,
                seat.Refusals,
                seat.Emoji,
                seat.GarbledWords,
                seat.JudgedWords,
                end.FirstSeat == seat.Seat,
                tokensAfter,
                costAfter,
                vocabulary.Words.Where(kv => !kv.Key.All(char.IsDigit)).ToDictionary(StringComparer.Ordinal),
                vocabulary.Emoji));
        }

        var source = SourceOf(transcript);

        return new ConversationFacts(
            analysis.Title,
            source,
            analysis.Messages,
            analysis.StopReason,
            PairOf(seats.Select(s => s.Model)),
            end.First,
            end.FirstSeat,
            end.MessagesAfterFirst,
            end.TokensAfterFirst,
            end.CostAfterFirst,
            analysis.GoodbyeLoop?.Start,
            analysis.GoodbyeLoop?.Length ?? 0,
            analysis.Refusals.Count,
            analysis.NearDuplicates.Count,
            analysis.Garbled.Words.Count,
            seats);
    }

    /// <summary>The longest pair label kept: a conversation of many seats is still one row that a store can index.</summary>
    public const int LongestPair = 500;

    // The models sorted and joined; a label of more than LongestPair characters is cut there (never inside a surrogate
    // pair) and ends in "…".
    private static string PairOf(IEnumerable<string> models)
    {
        var pair = string.Join(" ↔ ", models.Order(StringComparer.Ordinal));
        if (pair.Length <= LongestPair)
        {
            return pair;
        }

        var cut = char.IsHighSurrogate(pair[LongestPair - 2]) ? LongestPair - 2 : LongestPair - 1;
        return pair[..cut] + "…";
    }

    /// <summary>The conversation's row in the corpus tables.</summary>
    public ConversationRow ToRow() => new(
        Title, Source, Messages, StopReason, FirstEnd, MessagesAfterFirstEnd, GoodbyeLoopStart, GoodbyeLoopLength, Refusals, NearDuplicates, GarbledWords);
}
