using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// Chat fine-tuning data, one conversation per line: ShareGPT (<c>{"conversations":[{"from","value"}]}</c>) and OpenAI chat
/// (<c>{"messages":[{"role","content"}]}</c>, content a string or a list of parts). Each speaker (<c>human</c>,
/// <c>gpt</c>, <c>user</c>, <c>assistant</c>, or a message's <c>name</c>) is a seat in order of appearance; a system message
/// is the system prompt of the answering side (<c>gpt</c>, <c>assistant</c>). Crosstalk's own exports of these formats
/// read back as one conversation per example, from the exporting seat's view.
/// </summary>
public static class ChatJsonl
{
    /// <summary>The value of <see cref="TranscriptMetadataKeys.SourceFormat"/> for ShareGPT.</summary>
    public const string ShareGptFormat = "sharegpt";

    /// <summary>The value of <see cref="TranscriptMetadataKeys.SourceFormat"/> for OpenAI chat.</summary>
    public const string OpenAIChatFormat = "openai-chat";

    /// <summary>Which of the two a first line is: <c>conversations</c> or <c>messages</c> holding a list; null for neither.</summary>
    public static TranscriptFormat? DetectLine(ReadOnlySpan<char> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToString());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (document.RootElement.TryGetProperty("conversations", out var c) && c.ValueKind == JsonValueKind.Array)
            {
                return TranscriptFormat.ShareGpt;
            }

            // Crosstalk's own JSON also has "messages", with "participants" beside them; the original system's, with "model_a".
            if (document.RootElement.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Array
                && !document.RootElement.TryGetProperty("participants", out _) && !document.RootElement.TryGetProperty("model_a", out _))
            {
                return TranscriptFormat.OpenAIChat;
            }
        }
        catch (JsonException)
        {
            // Not one JSON object.
        }

        return null;
    }

    /// <summary>Reads every non-blank line as a conversation, lazily.</summary>
    /// <exception cref="TranscriptFormatException">A line is not a conversation of the format; the file and line are named.</exception>
    public static IEnumerable<Transcript> ReadLines(TextReader reader, string? path, TranscriptFormat format)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var transcript = format == TranscriptFormat.ShareGpt
                ? ForeignLayout.Read(path, number, "ShareGPT", () => ReadShareGpt(line, path, number))
                : ForeignLayout.Read(path, number, "OpenAI chat", () => ReadOpenAIChat(line, path, number));
            transcript.Metadata[TranscriptMetadataKeys.SourceLocation] = string.Create(CultureInfo.InvariantCulture, $"line {number}");
            yield return transcript;
        }
    }

    private static Transcript ReadShareGpt(string line, string? path, int number)
    {
        using var document = Parse(line, path, number);
        if (!document.RootElement.TryGetProperty("conversations", out var turns) || turns.ValueKind != JsonValueKind.Array)
        {
            throw new TranscriptFormatException(path, number, "the line has no 'conversations' list (ShareGPT)");
        }

        var builder = new SpeakerTranscript(ShareGptFormat);
        var prompts = new List<string>();
        var index = 0;
        foreach (var turn in turns.EnumerateArray())
        {
            index++;
            var from = Text(turn, "from") ?? throw new TranscriptFormatException(path, number, string.Create(CultureInfo.InvariantCulture, $"turn {index} has no 'from'"));
            var value = Text(turn, "value") ?? throw new TranscriptFormatException(path, number, string.Create(CultureInfo.InvariantCulture, $"turn {index} has no 'value' text"));
            if (from == "system")
            {
                prompts.Add(value);
                continue;
            }

            builder.Add(builder.Seat(from, from), value);
        }

        Finish(builder, prompts, path, number);
        CopyIdentity(document.RootElement, builder.Transcript);
        return builder.Build();
    }

    private static Transcript ReadOpenAIChat(string line, string? path, int number)
    {
        using var document = Parse(line, path, number);
        if (!document.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new TranscriptFormatException(path, number, "the line has no 'messages' list (OpenAI chat)");
        }

        var builder = new SpeakerTranscript(OpenAIChatFormat);
        var prompts = new List<string>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            var role = Text(message, "role") ?? throw new TranscriptFormatException(path, number, string.Create(CultureInfo.InvariantCulture, $"message {index} has no 'role'"));
            var content = Content(message, path, number, index);
            if (role is "system" or "developer")
            {
                prompts.Add(content);
                continue;
            }

            // A named speaker is known by its name, apart from the roles: a user message named "assistant" is not the assistant.
            var seat = Text(message, "name") is { } name ? builder.Seat("\0" + name, name) : builder.Seat(role, role);
            builder.Add(seat, content);
        }

        Finish(builder, prompts, path, number);
        CopyIdentity(document.RootElement, builder.Transcript);
        return builder.Build();
    }

    // The system prompt belongs to the answering side: the first seat that is not the asking one.
    private static void Finish(SpeakerTranscript builder, List<string> prompts, string? path, int number)
    {
        if (builder.Transcript.Messages.Count == 0)
        {
            throw new TranscriptFormatException(path, number, "the conversation has no messages besides system prompts");
        }

        if (prompts.Count == 0)
        {
            return;
        }

        var answering = 0;
        foreach (var key in new[] { "gpt", "assistant", "model", "chatgpt", "bing", "bard" })
        {
            if (builder.Has(key))
            {
                answering = builder.Seat(key, key);
                break;
            }
        }

        if (answering == 0)
        {
            answering = builder.Seats >= 2 ? 2 : 1;
        }

        builder.SystemPrompt(answering, string.Join("\n\n", prompts));
    }

    private static void CopyIdentity(JsonElement root, Transcript transcript)
    {
        foreach (var key in new[] { "id", "model", "source" })
        {
            if (root.TryGetProperty(key, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                transcript.Metadata[key == "source" ? "source.name" : "source." + key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            }
        }
    }

    /// <summary>The text of an OpenAI-style message: a string, or its text parts; other parts are named in brackets.</summary>
    internal static string Content(JsonElement message, string? path, int number, int index)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return ToolCalls(message);
        }

        var text = new StringBuilder();
        if (content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString());
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"message {index}");
            foreach (var part in content.EnumerateArray())
            {
                text.Append(text.Length > 0 ? "\n" : "").Append(PartText(part, path, number, where));
            }
        }
        else
        {
            throw new TranscriptFormatException(path, number, string.Create(CultureInfo.InvariantCulture, $"message {index} has a 'content' that is neither text nor a list of parts"));
        }

        // The calls a message makes are part of it, whether or not it also says something.
        var calls = ToolCalls(message);
        return calls.Length == 0 ? text.ToString() : text.Append(text.Length > 0 ? "\n" : "").Append(calls).ToString();
    }

    /// <summary>
    /// The text of one part of a message's content, as OpenAI's Chat Completions, Responses and Assistants APIs and Inspect
    /// write them: a string; a text part (<c>text</c>, <c>input_text</c>, <c>output_text</c>) with its text as a string or
    /// as <c>{"value": …}</c>; any other part named in brackets (<c>[image_url]</c>). A text part whose text cannot be read
    /// is refused rather than read as nothing.
    /// </summary>
    internal static string PartText(JsonElement part, string? path, int? line, string where)
    {
        if (part.ValueKind == JsonValueKind.String)
        {
            return part.GetString()!;
        }

        var type = Text(part, "type") ?? "text";
        if (type is not ("text" or "input_text" or "output_text"))
        {
            return $"[{type}]";
        }

        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var value))
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }

            if (Text(value, "value") is { } nested)
            {
                return nested;
            }
        }

        throw new TranscriptFormatException(path, line, $"{where} has a text part whose text is not a string");
    }

    /// <summary>The calls a message makes, kept visible, one a line: "[tool call] name(arguments)"; empty when none.</summary>
    internal static string ToolCalls(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var call in calls.EnumerateArray())
        {
            var function = call.TryGetProperty("function", out var f) ? f : call;
            var name = function.ValueKind == JsonValueKind.Object ? Text(function, "name") : function.ValueKind == JsonValueKind.String ? function.GetString() : null;
            var arguments = call.TryGetProperty("arguments", out var a) || (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out a))
                ? (a.ValueKind == JsonValueKind.String ? a.GetString() : a.GetRawText())
                : "";
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append("[tool call] ").Append(name ?? "?").Append('(').Append(arguments).Append(')');
        }

        return text.ToString();
    }

    internal static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonDocument Parse(string line, string? path, int number)
    {
        try
        {
            var document = StrictJson.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new TranscriptFormatException(path, number, "the line is not a JSON object");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new TranscriptFormatException(path, number, $"the line is not valid JSON ({StrictJson.Reason(ex)})", ex);
        }
    }
}
