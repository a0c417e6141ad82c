namespace Crosstalk.Analysis;

/// <summary>Garbled words in a conversation.</summary>
/// <param name="Judged">How many words the detector judged (plain lower-case prose words long enough to judge).</param>
/// <param name="Rate">Garbled words per judged word.</param>
/// <param name="Words">Each garbled word with where it first appeared.</param>
public sealed record GarbledSummary(int Judged, double Rate, IReadOnlyList<GarbledWord> Words);
