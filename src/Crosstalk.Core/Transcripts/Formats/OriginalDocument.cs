using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crosstalk.Transcripts.Formats;

// The original Python system's JSON, read as written (snake_case keys).

internal sealed class OriginalDocument
{
    [JsonPropertyName("model_a")]
    public string? ModelA { get; set; }

    [JsonPropertyName("model_b")]
    public string? ModelB { get; set; }

    [JsonPropertyName("initial_message")]
    public string? InitialMessage { get; set; }

    [JsonPropertyName("messages")]
    public List<OriginalMessage>? Messages { get; set; }

    [JsonPropertyName("started_at")]
    public string? StartedAt { get; set; }

    [JsonPropertyName("ended_at")]
    public string? EndedAt { get; set; }

    /// <summary>Keys the original system did not write (a mistyped or damaged one), said as read warnings.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

internal sealed class OriginalMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    public string? Content { get; set; }

    [JsonPropertyName("speaker")]
    public string? Speaker { get; set; }

    /// <summary>Keys the original system did not write.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
