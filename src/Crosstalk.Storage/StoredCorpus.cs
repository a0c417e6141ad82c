using Crosstalk.Analysis;

namespace Crosstalk.Storage;

/// <summary>The corpus tables summed from stored analyses, and what they leave out.</summary>
/// <param name="Analysis">The tables (without per-conversation rows: a store may hold millions).</param>
/// <param name="Matching">Conversations that match the query.</param>
/// <param name="NotAnalyzed">Of those, how many have no current analysis (still running, or not analysed yet) and are not counted.</param>
public sealed record StoredCorpus(CorpusAnalysis Analysis, long Matching, long NotAnalyzed);
