using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Conversations;

/// <summary>
/// What one seat is sent of a conversation: its system prompt, its own messages as <c>assistant</c>, everyone else's as
/// <c>user</c> (prefixed with the speaker's name when more than two seats talk), and a blank message as the text its
/// endpoint accepts instead. The runner builds each model's request from it, message by message, and the chat exports
/// (ShareGPT, OpenAI chat) build their examples from it, so an export shows exactly what the model was sent.
/// </summary>
public static class SeatView
{
    /// <summary>The chat message seat <paramref name="viewer"/> is sent for <paramref name="message"/>.</summary>
    /// <param name="message">The message as recorded.</param>
    /// <param name="viewer">The seat whose view this is.</param>
    /// <param name="seatCount">How many seats the conversation has.</param>
    /// <param name="blankReplacement">What the viewer's endpoint is sent instead of a blank message; null when blank is fine.</param>
    public static ChatMessage Message(TranscriptMessage message, int viewer, int seatCount, string? blankReplacement)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = IsReplaced(message, blankReplacement) ? blankReplacement! : message.Content;
        return message.Seat == viewer
            ? new ChatMessage(ChatRole.Assistant, text)
            : new ChatMessage(ChatRole.User, seatCount > 2 ? $"{message.Speaker}: {text}" : text);
    }

    /// <summary>Whether <paramref name="message"/> reaches a viewer with this replacement as something other than its content.</summary>
    public static bool IsReplaced(TranscriptMessage message, string? blankReplacement)
    {
        ArgumentNullException.ThrowIfNull(message);
        return blankReplacement is not null && string.IsNullOrWhiteSpace(message.Content);
    }

    /// <summary>The whole view of seat <paramref name="viewer"/>: its system prompt (if any), then every message of the transcript.</summary>
    public static IReadOnlyList<ChatMessage> Of(Transcript transcript, int viewer, string? blankReplacement)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var participant = transcript.GetParticipant(viewer);
        var view = new List<ChatMessage>(transcript.Messages.Count + 1);
        if (!string.IsNullOrEmpty(participant.SystemPrompt))
        {
            view.Add(new ChatMessage(ChatRole.System, participant.SystemPrompt));
        }

        foreach (var message in transcript.Messages)
        {
            view.Add(Message(message, viewer, transcript.Participants.Count, blankReplacement));
        }

        return view;
    }
}
