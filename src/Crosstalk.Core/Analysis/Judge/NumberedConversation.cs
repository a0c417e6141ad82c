using System.Globalization;
using System.Text;
using Crosstalk.Transcripts;

namespace Crosstalk.Analysis.Judge;

/// <summary>A conversation as a judge's prompt shows it, one numbered message after another, and read back from one.</summary>
public static class NumberedConversation
{
    /// <summary>Messages <paramref name="from"/> to <paramref name="to"/> (0-based, end excluded) as "[n] Name (seat s): text", a blank line between them.</summary>
    public static string Write(Transcript transcript, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var builder = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            var message = transcript.Messages[i];
            builder.Append(CultureInfo.InvariantCulture, $"[{i + 1}] {message.Speaker} (seat {message.Seat}): {message.Content.Trim()}\n\n");
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary>
    /// The messages <see cref="Write"/> numbered, read back from a prompt: "[3] Name (seat 1): text" (or "[3] Name (seat 1):"
    /// for a blank one), up to the next numbered line; the conversation is what lies between <c>&lt;conversation&gt;</c>
    /// and the last <c>&lt;/conversation&gt;</c> when the rubric wraps it so (a message that writes the tag does not end
    /// it), else it ends at the first blank line after the last message. What <c>offline:judge</c> reads.
    /// </summary>
    public static List<TranscriptMessage> Read(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var start = prompt.IndexOf("<conversation>\n", StringComparison.Ordinal);
        var end = prompt.LastIndexOf("</conversation>", StringComparison.Ordinal);
        var wrapped = end >= 0;
        prompt = wrapped ? prompt[(start >= 0 && start < end ? start + "<conversation>\n".Length : 0)..end] : prompt;
        // Each message's text is built once, line by line (a message of many lines stays linear).
        var builders = new List<(int Seat, string Speaker, StringBuilder Text)>();
        foreach (var line in prompt.Split('\n'))
        {
            var close = line.IndexOf("] ", StringComparison.Ordinal);
            var seat = line.IndexOf(" (seat ", StringComparison.Ordinal);
            var colon = seat < 0 ? -1 : line.IndexOf("):", seat, StringComparison.Ordinal);
            if (line.StartsWith('[') && close > 1 && int.TryParse(line.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && colon > 0 && (colon + 2 == line.Length || line[colon + 2] == ' ')
                && int.TryParse(line.AsSpan(seat + 7, colon - seat - 7), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                var text = colon + 3 <= line.Length ? line[(colon + 3)..] : string.Empty;
                builders.Add((number, close + 2 <= seat ? line[(close + 2)..seat] : string.Empty, new StringBuilder(text)));
            }
            else if (builders.Count > 0)
            {
                builders[^1].Text.Append('\n').Append(line);
            }
        }

        var texts = builders.ConvertAll(b => b.Text.ToString());
        if (!wrapped && texts.Count > 0 && texts[^1].IndexOf("\n\n", StringComparison.Ordinal) is var blank and >= 0)
        {
            texts[^1] = texts[^1][..blank];
        }

        // The rendering puts a blank line between messages (each message's own text was trimmed when it was rendered).
        var messages = new List<TranscriptMessage>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            messages.Add(new TranscriptMessage { Seat = builders[i].Seat, Speaker = builders[i].Speaker, Content = texts[i].TrimEnd() });
        }

        return messages;
    }
}
