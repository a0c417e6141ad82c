namespace Crosstalk.Analysis;

/// <summary>One bar of a distribution: a value and how many conversations had it.</summary>
/// <param name="Key">The value (a stop reason, a length, a message index), as text.</param>
/// <param name="Count">How many conversations.</param>
public sealed record CountRow(string Key, int Count);
