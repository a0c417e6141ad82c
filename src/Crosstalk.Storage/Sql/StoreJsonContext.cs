using System.Text.Json.Serialization;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Sql;

/// <summary>The JSON the store keeps in columns: metadata, attempts, participants in listings.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(List<Attempt>))]
[JsonSerializable(typeof(List<ParticipantRow>))]
[JsonSerializable(typeof(VocabularyRow))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;

/// <summary>A participant as a listing query returns it (JSON aggregated in SQL).</summary>
internal sealed record ParticipantRow(int Seat, string Name, string? Model);

/// <summary>The words and emoji of one seat's stored analysis, with counts (the most used only).</summary>
internal sealed record VocabularyRow(
    [property: JsonPropertyName("w")] Dictionary<string, int> Words,
    [property: JsonPropertyName("e")] Dictionary<string, int> Emoji);
