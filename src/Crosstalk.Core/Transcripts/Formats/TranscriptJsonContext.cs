using System.Text.Json.Serialization;

namespace Crosstalk.Transcripts.Formats;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TranscriptDocument))]
[JsonSerializable(typeof(OriginalDocument))]
internal sealed partial class TranscriptJsonContext : JsonSerializerContext;
