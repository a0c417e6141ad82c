using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crosstalk.Analysis.Judge;

/// <summary>Source-generated JSON for judge results (camelCase, compact).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JudgeResult))]
[JsonSerializable(typeof(List<JudgeResult>))]
public sealed partial class JudgeJsonContext : JsonSerializerContext;
