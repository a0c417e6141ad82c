using System.Text.Json;

namespace Crosstalk.Analysis.Judge;

/// <summary>
/// A question an LLM judge answers about a message or a whole transcript, with the JSON shape of the answer.
/// </summary>
/// <param name="Id">A stable kebab-case name (part of the cache key).</param>
/// <param name="Description">One sentence for reports.</param>
/// <param name="Scope">Whether the judge sees one message (with context) or the transcript.</param>
/// <param name="PromptTemplate">
/// The prompt. Placeholders: <c>{{participants}}</c> (seats, names and system prompts), <c>{{transcript}}</c>
/// (every message, numbered), and for message scope <c>{{context}}</c> (the messages before, numbered),
/// <c>{{index}}</c>, <c>{{speaker}}</c>, <c>{{seat}}</c> and <c>{{message}}</c>.
/// </param>
/// <param name="AnswerSchema">
/// A JSON schema of the answer object: <c>type: object</c> with <c>properties</c> and <c>required</c>; properties
/// of type integer, number, string, boolean or null (or a list of them), with optional <c>minimum</c>,
/// <c>maximum</c> and <c>enum</c>. Answers are checked against it before they are kept.
/// </param>
/// <param name="Version">Bumped when the rubric's meaning changes, so old cached answers are not reused.</param>
public sealed record JudgeRubric(string Id, string Description, JudgeScope Scope, string PromptTemplate, string AnswerSchema, int Version = 1)
{
    /// <summary>
    /// Whether the answer's <c>first</c> and <c>last</c> are a span of the conversation's messages (the built-in
    /// <c>goodbye-loop</c>): both among its messages, in order, given together or not at all. A rubric file's fields of
    /// those names are its own (a scale, say) and are not read so.
    /// </summary>
    public bool AnswersASpan { get; init; }

    /// <summary>Throws when the rubric cannot be used: empty id or prompt, or a schema that is not a JSON object schema.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(PromptTemplate);
        try
        {
            using var schema = JsonDocument.Parse(AnswerSchema);
            if (!schema.RootElement.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"The answer schema of rubric '{Id}' has no 'properties' object.", nameof(AnswerSchema));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The answer schema of rubric '{Id}' is not valid JSON: {ex.Message}", nameof(AnswerSchema), ex);
        }
    }
}
