using System.Globalization;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// llm2llm's conversation files (<c>conversations/{uuid}.json</c>: <c>llm1_model</c>, <c>llm2_model</c>, <c>messages</c>
/// with <c>participant_role</c> initiator or responder, <c>status</c>, <c>created_at</c>, <c>updated_at</c>). The initiator
/// sits on seat 1, the responder on seat 2, each named by its model id. The file holds no system prompts (they are in
/// llm2llm's configuration) and no reason for stopping, so none is invented.
/// </summary>
public static class Llm2LlmJson
{
    /// <summary>The value of <see cref="TranscriptMetadataKeys.SourceFormat"/>.</summary>
    public const string Format = "llm2llm";

    /// <summary>Whether a JSON object is an llm2llm conversation.</summary>
    public static bool IsConversation(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("llm1_model", out _) && root.TryGetProperty("llm2_model", out _)
        && root.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array;

    /// <exception cref="TranscriptFormatException">A message has no text or an unknown role.</exception>
    public static Transcript Read(JsonElement root, string? path)
    {
        if (!IsConversation(root))
        {
            throw new TranscriptFormatException(path, null, "the llm2llm conversation has no 'messages' list");
        }

        var first = ChatJsonl.Text(root, "llm1_model") ?? throw new TranscriptFormatException(path, null, "'llm1_model' is not a model id");
        var second = ChatJsonl.Text(root, "llm2_model") ?? throw new TranscriptFormatException(path, null, "'llm2_model' is not a model id");
        var builder = new SpeakerTranscript(Format);
        builder.Seat("initiator", first, first);
        builder.Seat("responder", second, second);
        var index = 0;
        foreach (var message in root.GetProperty("messages").EnumerateArray())
        {
            index++;
            var role = ChatJsonl.Text(message, "participant_role");
            if (role is not ("initiator" or "responder"))
            {
                throw new TranscriptFormatException(path, null, string.Create(CultureInfo.InvariantCulture, $"message {index} has 'participant_role' {role ?? "missing"}, not initiator or responder"));
            }

            var content = ChatJsonl.Text(message, "content") ?? throw new TranscriptFormatException(path, null, string.Create(CultureInfo.InvariantCulture, $"message {index} has no 'content' text"));
            builder.Add(builder.Seat(role, role), content, Time(message, "timestamp"));
        }

        var transcript = builder.Transcript;
        transcript.Started = Time(root, "created_at");
        var status = ChatJsonl.Text(root, "status");
        transcript.Ended = status == "completed" ? Time(root, "updated_at") : null;
        if (ChatJsonl.Text(root, "id") is { } id)
        {
            transcript.Metadata["llm2llm.id"] = id;
        }

        if (status is not null)
        {
            transcript.Metadata["llm2llm.status"] = status;
        }

        return builder.Build();
    }

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        IsoTime.Read(ChatJsonl.Text(element, property), property);
}
