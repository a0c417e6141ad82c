namespace Crosstalk.Engine.Plans;

/// <summary>One seat of a planned conversation, as stored with it: who sits there and how it is asked.</summary>
/// <param name="Name">The display name transcripts show.</param>
/// <param name="Model">The model reference (<c>offline:eliza</c>, a catalog name, <c>provider:model</c>, <c>replay:/abs/path#2</c>…).</param>
/// <param name="SystemPrompt">The system prompt, placeholders already filled in; null for none.</param>
/// <param name="Temperature">Sampling temperature, if set.</param>
/// <param name="MaxTokens">Output token limit per reply, if set.</param>
/// <param name="BlankMessage">What a blank message (the blank opener) is sent to this seat as, when its endpoint rejects blank messages.</param>
public sealed record SeatPlan(
    string Name,
    string Model,
    string? SystemPrompt = null,
    float? Temperature = null,
    int? MaxTokens = null,
    string? BlankMessage = null);
