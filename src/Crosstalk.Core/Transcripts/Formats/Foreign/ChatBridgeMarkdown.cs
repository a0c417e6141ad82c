using System.Globalization;

namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// chat_bridge's transcripts (<c>transcripts/{date}__{slug}.md</c>, "# Chat Bridge Transcript"): a session header with
/// each agent's provider, model, temperature, persona and system prompt (which may span lines), then the human's starter
/// and one <c>### Label (yyyy-MM-dd HH:mm:ss)</c> block per message, after a <c>**Round N**</c> line (older files have no
/// round lines). Agent A (the first to answer) sits on seat 1 and agent B on seat 2, with their model as
/// <c>provider:model</c>; the human sits on seat 3. A message is seated by its heading's label; only when both agents go
/// by the same label are they told apart by turn. The file says nothing about why the conversation stopped.
/// </summary>
public static class ChatBridgeMarkdown
{
    /// <summary>The value of <see cref="TranscriptMetadataKeys.SourceFormat"/>.</summary>
    public const string Format = "chat-bridge";

    /// <summary>The first line of a chat_bridge transcript.</summary>
    public const string Heading = "# Chat Bridge Transcript";

    /// <exception cref="TranscriptFormatException">The file has no conversation section or no messages.</exception>
    public static Transcript Read(string text, string? path)
    {
        ArgumentNullException.ThrowIfNull(text);
        // CRLF files read as LF ones; a line or paragraph separator, form feed or NEL inside a message is text, kept as it is.
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var conversation = Array.IndexOf(lines, "## Conversation");
        if (conversation < 0)
        {
            throw new TranscriptFormatException(path, null, "the chat_bridge transcript has no '## Conversation' section");
        }

        var fields = Header(lines.AsSpan(0, conversation));
        var builder = new SpeakerTranscript(Format);
        var headers = new List<(int Line, string Label, DateTimeOffset Time)>();
        var rounds = lines.Skip(conversation).Any(IsRound);
        for (var i = conversation + 1; i < lines.Length; i++)
        {
            // A message starts at "### Label (time)" after a blank line, and after "**Round N**" in files that number
            // rounds; the human's starter comes first, without a round. Model text may hold such lines too, so the round
            // line is what tells them apart.
            if (lines[i - 1].Length != 0)
            {
                continue;
            }

            if (MessageHeader(lines[i]) is not { } header)
            {
                // A heading whose time does not read would join its message to the one before without a word.
                if (lines[i].StartsWith("### ", StringComparison.Ordinal) && ((rounds && i >= 2 && IsRound(lines[i - 2])) || ((!rounds || headers.Count == 0) && HasClockShape(lines[i]))))
                {
                    throw new TranscriptFormatException(path, i + 1, "the message heading has no readable time: chat_bridge writes '### Label (yyyy-MM-dd HH:mm:ss)'");
                }

                continue;
            }

            var starter = header.Label == "Human" && headers.Count == 0;
            if (starter || !rounds || (i >= 2 && IsRound(lines[i - 2])))
            {
                headers.Add((i, header.Label, header.Time));
            }
        }

        if (headers.Count == 0)
        {
            throw new TranscriptFormatException(path, conversation + 1, "the chat_bridge transcript has no messages");
        }

        var labelA = Label(fields, "A", headers);
        var labelB = Label(fields, "B", headers);
        var seatA = builder.Seat("A", labelA, Model(fields, "A"));
        var seatB = builder.Seat("B", labelB, Model(fields, "B"));
        foreach (var (seat, side) in new[] { (seatA, "A"), (seatB, "B") })
        {
            if (fields.TryGetValue($"Agent {side} System Prompt", out var prompt))
            {
                builder.SystemPrompt(seat, prompt);
            }
        }

        var agents = 0;
        for (var h = 0; h < headers.Count; h++)
        {
            var (line, label, time) = headers[h];
            var end = h + 1 < headers.Count ? headers[h + 1].Line - (IsRound(lines[headers[h + 1].Line - 2]) ? 2 : 0) : lines.Length;
            var from = Math.Min(line + 2, lines.Length);
            var body = string.Join('\n', lines[from..Math.Max(from, end)]).TrimEnd('\n');
            int seat;
            if (label == "Human" && h == 0)
            {
                seat = builder.Seat("Human", "Human");
            }
            else if (labelA == labelB)
            {
                // Both agents go by one name: only the turn tells them apart.
                seat = agents++ % 2 == 0 ? seatA : seatB;
            }
            else
            {
                // A message is its label's, even where a turn is missing; a label of neither agent is a speaker of its own.
                seat = label == labelA ? seatA : label == labelB ? seatB : builder.Seat(label, label);
            }

            builder.Add(seat, body, time);
        }

        var transcript = builder.Transcript;
        transcript.Started = headers[0].Time;
        if (fields.TryGetValue("Started", out var started))
        {
            if (LocalClock.TryParseSeconds(started, out var s))
            {
                transcript.Started = s;
            }
            else
            {
                var line = Array.FindIndex(lines, 0, conversation, l => l.StartsWith("**Started:**", StringComparison.Ordinal)) + 1;
                transcript.ReadWarnings.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{path ?? "transcript"}:{line}: the Started time '{ErrorText.Excerpt(started)}' is not yyyy-MM-dd HH:mm:ss; the first message's time is taken as the start"));
            }
        }

        foreach (var (key, value) in fields)
        {
            if (!key.EndsWith("System Prompt", StringComparison.Ordinal))
            {
                transcript.Metadata["chatBridge." + string.Concat(key.Split(' ').Select((w, i) => i == 0 ? w.ToLowerInvariant() : w))] = value;
            }
        }

        return builder.Build();
    }

    // "**Key:** value" lines; a value runs on over the following lines until the next "**…:**" line or "###"/"---" line.
    private static Dictionary<string, string> Header(ReadOnlySpan<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        var value = new List<string>();
        foreach (var line in lines)
        {
            if (FieldStart(line) is { } field)
            {
                Flush();
                key = field.Key;
                value.Add(field.Value);
            }
            else if (line.StartsWith('#') || line == "---")
            {
                Flush();
            }
            else if (key is not null)
            {
                value.Add(line);
            }
        }

        Flush();
        return fields;

        void Flush()
        {
            if (key is not null)
            {
                fields[key] = string.Join('\n', value).Trim('\n');
            }

            key = null;
            value.Clear();
        }
    }

    private static (string Key, string Value)? FieldStart(string line)
    {
        if (!line.StartsWith("**", StringComparison.Ordinal))
        {
            return null;
        }

        var end = line.IndexOf(":**", 2, StringComparison.Ordinal);
        return end < 0 ? null : (line[2..end], line[(end + 3)..].TrimStart());
    }

    private static bool IsRound(string line) =>
        line.StartsWith("**Round ", StringComparison.Ordinal) && line.EndsWith("**", StringComparison.Ordinal)
        && int.TryParse(line.AsSpan(8, line.Length - 10), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    // "… (dddd-dd-dd dd:dd:dd)": a heading that meant to give a time, whether or not the time is a real one.
    private static bool HasClockShape(string line)
    {
        if (line.Length < 4 + 2 + 19 + 2 || !line.EndsWith(')') || line[^21] != '(' || line[^22] != ' ')
        {
            return false;
        }

        var clock = line.AsSpan(line.Length - 20, 19);
        for (var k = 0; k < clock.Length; k++)
        {
            var expected = k switch { 4 or 7 => '-', 10 => ' ', 13 or 16 => ':', _ => '0' };
            if (expected == '0' ? !char.IsAsciiDigit(clock[k]) : clock[k] != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static (string Label, DateTimeOffset Time)? MessageHeader(string line)
    {
        // "### Label (yyyy-MM-dd HH:mm:ss)"
        if (!line.StartsWith("### ", StringComparison.Ordinal) || !line.EndsWith(')') || line.Length < 4 + 2 + 19 + 2)
        {
            return null;
        }

        var open = line.Length - 21;
        return line[open - 1] == ' ' && line[open] == '(' && LocalClock.TryParseSeconds(line.AsSpan(open + 1, 19), out var time)
            ? (line[4..(open - 1)], time)
            : null;
    }

    private static string Label(Dictionary<string, string> fields, string side, List<(int Line, string Label, DateTimeOffset Time)> headers)
    {
        // The label the messages use: the first agent message of the side (A speaks first), else "Agent A/B".
        var agentHeaders = headers.Where(h => h.Label != "Human" || h != headers[0]).ToList();
        var index = side == "A" ? 0 : 1;
        return agentHeaders.Count > index ? agentHeaders[index].Label : fields.GetValueOrDefault($"Agent {side} Persona") ?? $"Agent {side}";
    }

    private static string? Model(Dictionary<string, string> fields, string side) =>
        fields.TryGetValue($"Agent {side} Model", out var model)
            ? fields.TryGetValue($"Agent {side} Provider", out var provider) ? $"{provider}:{model}" : model
            : fields.GetValueOrDefault($"Provider {side}");
}
