using System.Text.Json.Serialization;

namespace Crosstalk.Cli.Batch;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BatchRunSpec))]
[JsonSerializable(typeof(BatchConversationSpec))]
internal sealed partial class BatchJsonContext : JsonSerializerContext;
