using System.Text.Json.Serialization;

namespace Crosstalk.Cli.Batch;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatExample))]
[JsonSerializable(typeof(ShareGptExample))]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
