using System.Text.Json.Nodes;

namespace Crosstalk.Testing.FakeProviders;

/// <summary>A request a fake provider received.</summary>
/// <param name="Number">1-based order of arrival.</param>
/// <param name="Path">The request path.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="Headers">Request headers (lower-case names).</param>
public sealed record FakeRequest(int Number, string Path, JsonObject Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Whether the client asked for a stream.</summary>
    public bool Stream => Body["stream"]?.GetValue<bool>() ?? false;

    /// <summary>The model id the client asked for.</summary>
    public string? Model => Body["model"]?.GetValue<string>();

    /// <summary>The text of each message (system prompt excluded for Anthropic, where it is a separate field).</summary>
    public IReadOnlyList<(string Role, string Text)> Messages =>
        (Body["messages"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (m["role"]?.GetValue<string>() ?? "", TextOf(m["content"]))).ToList();

    private static string TextOf(JsonNode? content) => content switch
    {
        null => string.Empty,
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => p["text"]?.GetValue<string>() ?? string.Empty)),
        _ => content.ToJsonString(),
    };
}
