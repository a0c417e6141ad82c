using System.Text.Json;
using System.Text.Json.Serialization;
using Crosstalk.Conversations;
using Microsoft.Extensions.AI;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Chat fine-tuning data from a transcript: one example per seat, exactly as that seat's model was sent the conversation
/// (<see cref="SeatView"/>: its system prompt, its own messages as <c>assistant</c>, the others' as <c>user</c>, a blank
/// message as its endpoint's replacement), written as ShareGPT or OpenAI chat JSONL lines.
/// </summary>
public static class ChatExport
{
    /// <summary>
    /// One example per seat that said something after the first message; trailing messages from others are dropped, since
    /// a training example ends with the assistant's turn.
    /// </summary>
    /// <param name="transcript">The conversation.</param>
    /// <param name="blankMessage">Per seat, what its endpoint was sent instead of a blank message (null: blank is fine).</param>
    public static IEnumerable<(Participant Seat, IReadOnlyList<ChatTurn> Turns)> Examples(Transcript transcript, Func<int, string?>? blankMessage = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        foreach (var participant in transcript.Participants)
        {
            var turns = SeatView.Of(transcript, participant.Seat, blankMessage?.Invoke(participant.Seat))
                .Select(m => new ChatTurn(m.Role == ChatRole.System ? "system" : m.Role == ChatRole.Assistant ? "assistant" : "user", m.Text))
                .ToList();
            while (turns.Count > 0 && turns[^1].Role != "assistant")
            {
                turns.RemoveAt(turns.Count - 1);
            }

            // A seat that said something: a seat that opened from its system prompt alone (opener none) and was cut off
            // after one message is an example too; a blank opener and nothing after it is not.
            if (turns.Any(t => t.Role == "assistant" && !string.IsNullOrWhiteSpace(t.Content)))
            {
                yield return (participant, turns);
            }
        }
    }

    /// <summary>One ShareGPT line: <c>{"conversations":[{"from":"system|human|gpt","value":…}]}</c>.</summary>
    public static string ShareGptLine(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        var example = new ShareGptExample([.. turns.Select(t => new ShareGptTurn(t.Role switch { "system" => "system", "user" => "human", _ => "gpt" }, t.Content))]);
        return JsonSerializer.Serialize(example, ChatExportJsonContext.Default.ShareGptExample);
    }

    /// <summary>One OpenAI chat fine-tuning line: <c>{"messages":[{"role":…,"content":…}]}</c>.</summary>
    public static string OpenAIChatLine(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        return JsonSerializer.Serialize(new ChatExample(turns), ChatExportJsonContext.Default.ChatExample);
    }
}

/// <summary>One message of a chat example: <c>system</c>, <c>user</c> or <c>assistant</c>, and its text.</summary>
public sealed record ChatTurn(string Role, string Content);

internal sealed record ChatExample(IReadOnlyList<ChatTurn> Messages);

internal sealed record ShareGptExample(IReadOnlyList<ShareGptTurn> Conversations);

internal sealed record ShareGptTurn(string From, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatExample))]
[JsonSerializable(typeof(ShareGptExample))]
internal sealed partial class ChatExportJsonContext : JsonSerializerContext;
