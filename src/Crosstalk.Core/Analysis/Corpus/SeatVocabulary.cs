namespace Crosstalk.Analysis;

/// <summary>One seat's content-word and emoji counts in one transcript, passed from the transcript analysis to the corpus aggregate.</summary>
internal sealed record SeatVocabulary(Dictionary<string, int> Words, Dictionary<string, int> Emoji);
