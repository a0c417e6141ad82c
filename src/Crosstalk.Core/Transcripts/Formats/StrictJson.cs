using System.Text;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// How the readers parse JSON: a key given twice in one object is refused (as a JSON error naming its line), not read as
/// the last of the two — which of two "content" values a tool meant cannot be known, and taking one silently changes the
/// conversation.
/// </summary>
internal static class StrictJson
{
    /// <summary>The rule, for the serializer options that typed readers use (<see cref="TranscriptJson.Reading"/>).</summary>
    public const bool AllowDuplicateProperties = false;

    /// <summary>Options for <see cref="Parse"/>.</summary>
    public static JsonDocumentOptions Document { get; } = new() { AllowDuplicateProperties = AllowDuplicateProperties };

    /// <summary>
    /// <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/> with <paramref name="options"/> (<see cref="Document"/>
    /// when not given): a key given twice is refused with the line and column of its second use, which the parser's own
    /// error leaves out.
    /// </summary>
    public static JsonDocument Parse(string json, JsonDocumentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var chosen = options ?? Document;
        try
        {
            return JsonDocument.Parse(json, chosen);
        }
        catch (JsonException ex) when (ex.LineNumber is null && SecondUse(json, chosen) is { } at)
        {
            throw new JsonException(ex.Message, ex.Path, at.Line, at.Column, ex);
        }
    }

    /// <summary>System.Text.Json's first sentence of <paramref name="ex"/>, without the path and position it appends (a reader's own prefix says where).</summary>
    public static string Reason(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var message = ex.Message;
        foreach (var tail in (ReadOnlySpan<string>)[" Path:", " LineNumber:"])
        {
            var at = message.IndexOf(tail, StringComparison.Ordinal);
            message = at >= 0 ? message[..at] : message;
        }

        // The first sentence ends at a ". " outside the quotes around what the message names ('a. b' is one name, ''' the
        // apostrophe): a quote opens at the start or after a space, and closes before a space, '.', ',', ':' or the end.
        var quoted = false;
        for (var i = 0; i < message.Length; i++)
        {
            var c = message[i];
            if (c == '\'' && !quoted && (i == 0 || message[i - 1] == ' '))
            {
                quoted = true;
            }
            else if (c == '\'' && quoted && (i + 1 == message.Length || message[i + 1] is ' ' or '.' or ',' or ':'))
            {
                quoted = false;
            }
            else if (!quoted && c == '.' && i + 1 < message.Length && message[i + 1] == ' ')
            {
                return message[..i];
            }
        }

        return message.TrimEnd('.');
    }

    /// <summary>
    /// Where a key is given twice, as the parser finds it: in the first object to close that has one (an inner object closes
    /// before the one around it), its first repeated key's second use (0-based line and byte in it, as JSON errors count).
    /// </summary>
    private static (long Line, long Column)? SecondUse(string json, JsonDocumentOptions options)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.CommentHandling,
            MaxDepth = options.MaxDepth,
        });

        // Per open object, the names seen and where its first repeat is (null for an array).
        var open = new Stack<(HashSet<string> Names, long Repeat)?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        open.Push((new HashSet<string>(StringComparer.Ordinal), -1));
                        break;
                    case JsonTokenType.StartArray:
                        open.Push(null);
                        break;
                    case JsonTokenType.EndArray:
                        open.Pop();
                        break;
                    case JsonTokenType.EndObject:
                        if (open.Pop() is { Repeat: >= 0 } closed)
                        {
                            var before = bytes.AsSpan(0, (int)closed.Repeat);
                            return (before.Count((byte)'\n'), closed.Repeat - (before.LastIndexOf((byte)'\n') + 1));
                        }

                        break;
                    case JsonTokenType.PropertyName when open.Peek() is { } current && !current.Names.Add(reader.GetString()!) && current.Repeat < 0:
                        open.Pop();
                        open.Push(current with { Repeat = reader.TokenStartIndex });
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not this error's cause: the parser's own sentence stands.
        }

        return null;
    }
}
