using System.Text.Json.Serialization;

namespace Crosstalk.Analysis;

/// <summary>Source-generated JSON for analysis results (camelCase, indented, nulls written).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TranscriptAnalysis))]
[JsonSerializable(typeof(CorpusAnalysis))]
public sealed partial class AnalysisJsonContext : JsonSerializerContext;
