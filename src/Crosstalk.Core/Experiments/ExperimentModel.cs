namespace Crosstalk.Experiments;

/// <summary>One model taking part in an experiment.</summary>
/// <param name="Reference">What answers: a catalog name, <c>provider:model</c>, an OpenRouter id, <c>offline:eliza</c>…</param>
/// <param name="DisplayName">The name transcripts show; null to use the catalog's display name.</param>
/// <param name="SystemPrompt">A system prompt template for this model only, overriding the experiment's.</param>
/// <param name="Temperature">Sampling temperature for this model, overriding the experiment's.</param>
/// <param name="MaxTokens">Output token limit per reply for this model, overriding the experiment's.</param>
public sealed record ExperimentModel(string Reference, string? DisplayName = null, string? SystemPrompt = null, float? Temperature = null, int? MaxTokens = null);
