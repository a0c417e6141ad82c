using System.Text.Json.Serialization;

namespace Crosstalk.Web.Live;

internal sealed record StartedData(int Index, int Seat, string Speaker, string SeatClass);

internal sealed record DeltaData(int Index, string Text);

internal sealed record RestartedData(int Index);

internal sealed record CompletedData(int Index, string Html);

internal sealed record StoppedData(string Reason, string? Detail, string Meaning, long ConversationId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StartedData))]
[JsonSerializable(typeof(DeltaData))]
[JsonSerializable(typeof(RestartedData))]
[JsonSerializable(typeof(CompletedData))]
[JsonSerializable(typeof(StoppedData))]
internal sealed partial class LiveJsonContext : JsonSerializerContext;
