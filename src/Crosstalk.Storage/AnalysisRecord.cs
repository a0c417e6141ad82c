using Crosstalk.Analysis;

namespace Crosstalk.Storage;

/// <summary>A conversation's analysis as the store keeps it, tagged with the analyzer's version.</summary>
/// <param name="Version">The analyzer's version (<see cref="TranscriptAnalyzer.Version"/>).</param>
/// <param name="MessageCount">How many messages the analysis saw: it is stale once the conversation has more.</param>
/// <param name="Facts">What the corpus tables sum.</param>
/// <param name="Json">The whole analysis, as the conversation page shows it.</param>
public sealed record AnalysisRecord(int Version, int MessageCount, ConversationFacts Facts, string Json);
