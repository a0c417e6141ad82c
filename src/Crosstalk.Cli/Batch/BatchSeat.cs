namespace Crosstalk.Cli.Batch;

/// <summary>One seat of a planned conversation, as stored with it so a resume asks the same model the same way.</summary>
/// <param name="Name">The display name.</param>
/// <param name="Model">The model reference (<c>offline:eliza</c>, a catalog name…).</param>
/// <param name="SystemPrompt">The filled-in system prompt.</param>
/// <param name="Temperature">Sampling temperature, if set.</param>
/// <param name="MaxTokens">Output token limit per reply, if set.</param>
internal sealed record BatchSeat(string Name, string Model, string? SystemPrompt, float? Temperature, int? MaxTokens);
