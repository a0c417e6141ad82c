using System.Buffers;
using System.Text.Json;
using Crosstalk.Transcripts.Formats.Foreign;

namespace Crosstalk.Transcripts.Formats;

/// <summary>Reads and writes transcript files in any <see cref="TranscriptFormat"/>, recognising the format by content.</summary>
public static class TranscriptFile
{
    /// <summary>
    /// Recognises a transcript format from the text: Markdown starts with <c>#</c> (chat_bridge's with its own heading);
    /// liminal_backrooms' HTML starts with <c>&lt;</c>; a JSON object with <c>model_a</c> is the original system's, with
    /// <c>eval</c> an Inspect AI log, with <c>llm1_model</c> an llm2llm conversation; JSON objects on their own lines are
    /// JSONL — ShareGPT (<c>conversations</c>), OpenAI chat (<c>messages</c> without <c>participants</c>) or Crosstalk's;
    /// any other JSON object is Crosstalk's JSON.
    /// </summary>
    /// <exception cref="TranscriptFormatException">The text is none of these.</exception>
    public static TranscriptFormat Detect(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().TrimStart('\uFEFF').TrimStart();
        if (span.StartsWith("# ", StringComparison.Ordinal))
        {
            return span.StartsWith(ChatBridgeMarkdown.Heading + "\n", StringComparison.Ordinal) || span.StartsWith(ChatBridgeMarkdown.Heading + "\r", StringComparison.Ordinal)
                ? TranscriptFormat.ChatBridge
                : TranscriptFormat.SeedMarkdown;
        }

        if (span.StartsWith("<", StringComparison.Ordinal) && LiminalBackroomsHtml.IsConversation(text))
        {
            return TranscriptFormat.LiminalBackrooms;
        }

        if (!span.IsEmpty && span[0] != '{' && UniversalBackroomsReader.IsLog(text))
        {
            return TranscriptFormat.UniversalBackrooms;
        }

        if (span.IsEmpty || span[0] != '{')
        {
            throw new TranscriptFormatException(
                path, span.IsEmpty ? 1 : null,
                span.IsEmpty ? "the file is empty" : "the file is not a transcript: expected Markdown starting with '# ' or a JSON object");
        }

        var firstLineEnd = span.IndexOf('\n');
        var firstLine = firstLineEnd < 0 ? span : span[..firstLineEnd];
        if (IsCompleteObject(firstLine) && !IsWholeFileFormat(firstLine))
        {
            var lines = firstLineEnd >= 0 && !span[(firstLineEnd + 1)..].Trim().IsEmpty;
            if (ChatJsonl.DetectLine(firstLine) is { } chat)
            {
                return chat;
            }

            if (lines)
            {
                return TranscriptFormat.Jsonl;
            }
        }

        return HasTopLevelProperty(span, "model_a") ? TranscriptFormat.OriginalJson
            : HasTopLevelProperty(span, "llm1_model") ? TranscriptFormat.Llm2Llm
            : HasTopLevelProperty(span, "eval") ? TranscriptFormat.InspectLog
            : TranscriptFormat.Json;
    }

    /// <summary>
    /// Whether a complete JSON object on one line is a file of a format that holds one object (the original system's JSON,
    /// llm2llm, an Inspect log), written without indentation, rather than the first line of a JSONL corpus: llm2llm's
    /// <c>messages</c> list made a compact one look like OpenAI chat JSONL.
    /// </summary>
    private static bool IsWholeFileFormat(ReadOnlySpan<char> line) =>
        HasTopLevelProperty(line, "model_a") || HasTopLevelProperty(line, "llm1_model") || HasTopLevelProperty(line, "eval");

    /// <summary>Reads the one transcript in a file of any format (the first, for JSONL).</summary>
    /// <exception cref="TranscriptFormatException">The file is missing, unreadable, empty or not a transcript.</exception>
    public static Transcript Read(string path)
    {
        var text = AtomicFile.ReadAllText(path);
        return ReadText(text, path).First();
    }

    /// <summary>Every transcript in a text of any format (one for most formats, several for JSONL and Inspect logs).</summary>
    private static IEnumerable<Transcript> ReadText(string text, string path, UniversalBackroomsMetadataIndex? backroomsMetadata = null)
    {
        var format = Detect(path, text);
        return format switch
        {
            TranscriptFormat.SeedMarkdown => [Inferred(SeedMarkdown.Read(text, path))],
            TranscriptFormat.OriginalJson => [Inferred(OriginalJson.Read(text, path))],
            TranscriptFormat.Jsonl => TranscriptJson.ReadLinesIterator(new StringReader(text), path),
            TranscriptFormat.ShareGpt or TranscriptFormat.OpenAIChat => ChatJsonl.ReadLines(new StringReader(text), path, format),
            TranscriptFormat.InspectLog => ForeignLayout.Read(path, null, "Inspect AI", () => InspectLog.Read(text, path)),
            TranscriptFormat.Llm2Llm => [ForeignLayout.Read(path, null, "llm2llm", () => ReadLlm2Llm(text, path))],
            TranscriptFormat.LiminalBackrooms => [ForeignLayout.Read(path, null, "liminal_backrooms", () => LiminalBackroomsHtml.Read(text, path))],
            TranscriptFormat.ChatBridge => [ForeignLayout.Read(path, null, "chat_bridge", () => ChatBridgeMarkdown.Read(text, path))],
            TranscriptFormat.UniversalBackrooms => [UniversalBackroomsReader.Read(
                text, path, backroomsMetadata?.Find(path) ?? UniversalBackroomsReader.ReadRunFile(path))],
            _ => [TranscriptJson.Read(text, path)],
        };
    }

    // The original system's formats keep no stop record: what the file shows is taken, marked as inferred.
    private static Transcript Inferred(Transcript transcript)
    {
        StopInference.Infer(transcript);
        return transcript;
    }

    private static Transcript ReadLlm2Llm(string text, string path)
    {
        try
        {
            using var document = StrictJson.Parse(text);
            return Llm2LlmJson.Read(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new TranscriptFormatException(path, (int?)ex.LineNumber + 1, $"the llm2llm conversation is not valid JSON ({StrictJson.Reason(ex)})", ex);
        }
    }

    /// <summary>Reads every transcript in a file: one for most formats, one per line for JSONL (read lazily).</summary>
    /// <param name="path">The file.</param>
    /// <param name="backroomsMetadata">UniversalBackrooms metadata lines found beside the logs, by their <c>log_file</c>: a
    /// log is read with its line (else with its run file, if any).</param>
    public static IEnumerable<Transcript> ReadAll(string path, UniversalBackroomsMetadataIndex? backroomsMetadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using (var probe = AtomicFile.OpenText(path))
        {
            // Only the start is needed to tell JSONL apart, so large JSONL corpora are never loaded whole. The buffer is
            // pooled and the start read from it, so that a file's whole text is the one large object its reading makes (a
            // buffer of this size per file made an import of a folder pay a full collection every few files).
            const int HeadLength = 64 * 1024;
            var head = ArrayPool<char>.Shared.Rent(HeadLength);
            try
            {
                var start = head.AsSpan(0, probe.ReadBlock(head, 0, HeadLength));
                if (start.Length < HeadLength)
                {
                    return ReadText(new string(start), path, backroomsMetadata).ToList();
                }

                var firstLineEnd = start.IndexOf('\n');
                var firstLine = firstLineEnd < 0 ? [] : start[..firstLineEnd].TrimStart('\uFEFF');
                if (start.TrimStart('\uFEFF').TrimStart().StartsWith("{", StringComparison.Ordinal) && firstLineEnd >= 0
                    && IsCompleteObject(firstLine) && !IsWholeFileFormat(firstLine))
                {
                    var format = ChatJsonl.DetectLine(firstLine) ?? TranscriptFormat.Jsonl;

                    // A file is read again, lazily; a pipe cannot be, and is in memory already: its lines are read from it.
                    return AtomicFile.IsPipe(probe)
                        ? ReadLines(new StringReader(AtomicFile.ReadRest(probe, path, start)), path, format).ToList()
                        : ReadLinesFromFile(path, format);
                }

                // The rest from the same reader: a pipe (crosstalk import <(…)) cannot be opened a second time.
                return ReadText(AtomicFile.ReadRest(probe, path, start), path, backroomsMetadata).ToList();
            }
            finally
            {
                ArrayPool<char>.Shared.Return(head);
            }
        }
    }

    /// <summary>Whether Crosstalk writes this format (the others are read only).</summary>
    public static bool CanWrite(TranscriptFormat format) => format is TranscriptFormat.SeedMarkdown or TranscriptFormat.Json or TranscriptFormat.OriginalJson or TranscriptFormat.Jsonl;

    /// <summary>Writes a transcript in the given format, atomically; JSONL writes a file of one line.</summary>
    public static void Write(Transcript transcript, string path, TranscriptFormat format)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        switch (format)
        {
            case TranscriptFormat.SeedMarkdown:
                SeedMarkdown.WriteFile(transcript, path);
                break;
            case TranscriptFormat.Json:
                TranscriptJson.WriteFile(transcript, path);
                break;
            case TranscriptFormat.OriginalJson:
                OriginalJson.WriteFile(transcript, path);
                break;
            case TranscriptFormat.Jsonl:
                TranscriptJson.WriteLinesFile([transcript], path);
                break;
            default:
                if (!CanWrite(format))
                {
                    throw new NotSupportedException($"Crosstalk reads {format} files but does not write them.");
                }

                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown transcript format.");
        }
    }

    private static IEnumerable<Transcript> ReadLinesFromFile(string path, TranscriptFormat format)
    {
        using var reader = AtomicFile.OpenText(path);
        foreach (var transcript in ReadLines(reader, path, format))
        {
            yield return transcript;
        }
    }

    private static IEnumerable<Transcript> ReadLines(TextReader reader, string path, TranscriptFormat format) =>
        format == TranscriptFormat.Jsonl ? TranscriptJson.ReadLinesIterator(reader, path) : ChatJsonl.ReadLines(reader, path, format);

    private static bool IsCompleteObject(ReadOnlySpan<char> line)
    {
        line = line.Trim();
        if (line.IsEmpty || line[0] != '{' || line[^1] != '}')
        {
            return false;
        }

        try
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(line.ToArray());
            var reader = new Utf8JsonReader(bytes);
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static bool HasTopLevelProperty(ReadOnlySpan<char> json, string name)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json.ToArray()), new JsonReaderOptions { AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(name))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Invalid JSON: Crosstalk's reader will report where.
        }

        return false;
    }
}
