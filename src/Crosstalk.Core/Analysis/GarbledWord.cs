namespace Crosstalk.Analysis;

/// <summary>A word that is in no dictionary and looks malformed.</summary>
/// <param name="Word">The word, lower-cased.</param>
/// <param name="Message">The message it first appeared in (1-based).</param>
/// <param name="Seat">The seat that wrote it.</param>
public sealed record GarbledWord(string Word, int Message, int Seat);
