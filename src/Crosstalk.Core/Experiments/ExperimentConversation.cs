namespace Crosstalk.Experiments;

/// <summary>One conversation of an expanded experiment.</summary>
/// <param name="Key">A stable key (same experiment file, same key), used to find it again on resume.</param>
/// <param name="Number">1-based position in the expansion.</param>
/// <param name="First">The model on seat 1 (sends the opener).</param>
/// <param name="Second">The model on seat 2.</param>
/// <param name="Opener">The opener; null for none.</param>
/// <param name="SystemPrompt">The system prompt template (placeholders not yet filled), or null for the default.</param>
/// <param name="Repetition">1-based repetition of this combination (the original system's <c>run{n}</c>).</param>
/// <param name="Seed">The seed for this conversation (the experiment seed combined with <paramref name="Number"/>).</param>
public sealed record ExperimentConversation(string Key, int Number, ExperimentModel First, ExperimentModel Second, string? Opener, string? SystemPrompt, int Repetition, int Seed);
