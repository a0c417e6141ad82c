using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// A transcript as one seat saw it, for chat fine-tuning: its system prompt, its own messages as
/// <c>assistant</c>, everyone else's as <c>user</c> (with the speaker's name when more than two talk) —
/// the same view the runner gave the model.
/// </summary>
internal static class SeatViews
{
    /// <summary>
    /// One view per seat that spoke at least once after the first message; trailing messages from others are dropped,
    /// since a training example ends with the assistant's turn.
    /// </summary>
    public static IEnumerable<(Participant Seat, IReadOnlyList<ChatTurn> Turns)> Of(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var many = transcript.Participants.Count > 2;
        foreach (var participant in transcript.Participants)
        {
            var turns = new List<ChatTurn>();
            if (!string.IsNullOrEmpty(participant.SystemPrompt))
            {
                turns.Add(new ChatTurn("system", participant.SystemPrompt));
            }

            foreach (var message in transcript.Messages)
            {
                var own = message.Seat == participant.Seat;
                turns.Add(new ChatTurn(own ? "assistant" : "user", !own && many ? $"{message.Speaker}: {message.Content}" : message.Content));
            }

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
}
