using System.Text.Json;

namespace Crosstalk.Analysis.Judge;

/// <summary>One judge answer.</summary>
/// <param name="Rubric">The rubric's id.</param>
/// <param name="Model">The judge model.</param>
/// <param name="Message">The message judged (1-based), or null for a transcript-scope rubric.</param>
/// <param name="Answer">The answer object, valid against the rubric's schema; null when the judge failed.</param>
/// <param name="Cached">Whether the answer came from the cache (no call was made).</param>
/// <param name="Error">Why there is no answer (the judge's reply was not valid JSON for the schema), if so.</param>
public sealed record JudgeResult(string Rubric, string Model, int? Message, JsonElement? Answer, bool Cached, string? Error = null);
