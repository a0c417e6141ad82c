namespace Crosstalk.Analysis;

/// <summary>
/// What the deterministic analysis found in one transcript. Message indexes are 1-based, as everywhere a user
/// sees them. Serialize with <see cref="AnalysisJsonContext"/>.
/// </summary>
/// <param name="Title">The transcript's title.</param>
/// <param name="Messages">The number of messages, the opener included.</param>
/// <param name="StopReason">The recorded stop reason, if any.</param>
/// <param name="EndToken">End-token use: first, first seat, first mutual end and what came after.</param>
/// <param name="GoodbyeLoop">The longest stretch of farewells, acknowledgements and bare end tokens, or null.</param>
/// <param name="Refusals">The messages that decline.</param>
/// <param name="NearDuplicates">Pairs of messages with high shingle similarity, written as <c>[i, j, similarity]</c>.</param>
/// <param name="Seats">Statistics per seat, in seat order.</param>
/// <param name="Lexical">Length trend, drift and lexical variety over the conversation.</param>
/// <param name="Garbled">Words that are in no dictionary and look malformed.</param>
/// <param name="PerMessage">Measures of every message, in order.</param>
public sealed record TranscriptAnalysis(
    string Title,
    int Messages,
    string? StopReason,
    EndTokenAnalysis EndToken,
    GoodbyeLoop? GoodbyeLoop,
    IReadOnlyList<int> Refusals,
    IReadOnlyList<NearDuplicate> NearDuplicates,
    IReadOnlyList<SeatStatistics> Seats,
    LexicalDynamics Lexical,
    GarbledSummary Garbled,
    IReadOnlyList<MessageAnalysis> PerMessage);
