using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Crosstalk's own JSON transcript format (<c>"format": "crosstalk-transcript/1"</c>): everything a
/// <see cref="Transcript"/> holds, camelCase, nulls omitted, durations in milliseconds. JSONL holds one
/// compact transcript per line.
/// </summary>
public static class TranscriptJson
{
    /// <summary>The largest cost a message may have (dollars).</summary>
    public const decimal MostCost = 1_000_000m;

    /// <summary>The value of the <c>format</c> marker this version writes and reads.</summary>
    public const string FormatName = "crosstalk-transcript/1";

    private static readonly TranscriptJsonContext Indented = new(new JsonSerializerOptions(TranscriptJsonContext.Default.Options)
    {
        // Transcripts are files for people and tools, not HTML: keep "↔", quotes and accents readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    });

    private static readonly TranscriptJsonContext Compact = new(new JsonSerializerOptions(TranscriptJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,

        // As every reader: a key given twice is refused, not read as the last one.
        AllowDuplicateProperties = StrictJson.AllowDuplicateProperties,
    });

    /// <summary>The options transcripts are read with (the original system's JSON too).</summary>
    internal static TranscriptJsonContext Reading => Compact;

    /// <summary>Serializes a transcript as indented JSON (with <c>\n</c> line ends).</summary>
    public static string Write(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return JsonSerializer.Serialize(ToDocument(transcript), Indented.TranscriptDocument);
    }

    /// <summary>
    /// Writes the UTF-8 bytes of <see cref="Write"/>'s text to <paramref name="destination"/> a piece at a time, made without
    /// the text or one array of them all (what a transcript's content hash is taken of: a long transcript's bytes in one
    /// array would be a large object, and an import of many such arrays a full collection every few files).
    /// </summary>
    public static void WriteUtf8(Transcript transcript, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(destination);
        JsonSerializer.Serialize(destination, ToDocument(transcript), Indented.TranscriptDocument);
    }

    /// <summary>Writes a transcript as indented JSON to a file, atomically.</summary>
    public static void WriteFile(Transcript transcript, string path)
    {
        var text = Write(transcript) + "\n";
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>Parses one transcript.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="path">The file name, used only in error messages.</param>
    /// <exception cref="TranscriptFormatException">The text is not valid JSON or not a Crosstalk transcript.</exception>
    public static Transcript Read(string json, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(json, path, firstLine: 1);
    }

    /// <summary>Reads one transcript from a JSON file.</summary>
    /// <exception cref="TranscriptFormatException">The file is missing, unreadable, or not a Crosstalk transcript.</exception>
    public static Transcript ReadFile(string path) => Read(AtomicFile.ReadAllText(path), path);

    /// <summary>Writes one transcript as a single compact line followed by <c>\n</c> (JSONL).</summary>
    public static void WriteLine(TextWriter writer, Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(transcript);
        writer.Write(JsonSerializer.Serialize(ToDocument(transcript), Compact.TranscriptDocument));
        writer.Write('\n');
    }

    /// <summary>Reads JSONL lazily: one transcript per non-blank line, as the reader advances.</summary>
    /// <exception cref="TranscriptFormatException">A line is not a transcript; the exception names its line.</exception>
    public static IEnumerable<Transcript> ReadLines(TextReader reader, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadLinesIterator(reader, path);
    }

    /// <summary>Writes many transcripts as JSONL to a file, atomically.</summary>
    public static void WriteLinesFile(IEnumerable<Transcript> transcripts, string path)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        using var writer = new StringWriter();
        foreach (var transcript in transcripts)
        {
            WriteLine(writer, transcript);
        }

        AtomicFile.WriteAllText(path, writer.ToString());
    }

    internal static IEnumerable<Transcript> ReadLinesIterator(TextReader reader, string? path)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (number == 1 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line[1..];
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return Read(line, path, number);
        }
    }

    internal static Transcript Read(string json, string? path, int firstLine)
    {
        TranscriptDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, Compact.TranscriptDocument);
        }
        catch (JsonException ex)
        {
            throw FromJsonException(ex, path, firstLine, json);
        }

        if (document is null)
        {
            throw new TranscriptFormatException(path, firstLine, "expected a JSON object holding a transcript, found null");
        }

        return FromDocument(document, path, firstLine);
    }

    /// <param name="ex">What the JSON reader threw.</param>
    /// <param name="path">The file, for the message.</param>
    /// <param name="firstLine">The line the JSON begins on.</param>
    /// <param name="crosstalkJson">The text, when it was read as Crosstalk's own JSON (an unknown key is then told apart from another tool's JSON).</param>
    internal static TranscriptFormatException FromJsonException(JsonException ex, string? path, int firstLine, string? crosstalkJson = null)
    {
        var line = firstLine + (int)(ex.LineNumber ?? 0);
        var reason = StrictJson.Reason(ex);
        if (ex.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            // "\ud800" alone: half of a character, which no text holds (said as an experiment file says it).
            reason = "it holds an escape that is half of a character, a lone \\uD800–\\uDFFF";
        }
        else if (reason.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            // The runtime names one of our types; the reader only needs to know the value is of the wrong kind.
            reason = "a value of another kind belongs here; see docs/transcript-format.md";
        }
        else if (UnmappedProperty(reason) is { } property)
        {
            var parent = ex.Path is null ? "$" : ex.Path[..Math.Max(1, ex.Path.LastIndexOf('.'))];
            var at = parent == "$" ? "" : $" in {parent}";
            if (parent == "$" && crosstalkJson is not null && !TranscriptFile.HasTopLevelProperty(crosstalkJson, "format"))
            {
                // A key Crosstalk never writes at the top of an object that does not say it is Crosstalk's: more likely
                // another tool's JSON than a mistyped key.
                return new TranscriptFormatException(
                    path, line, $"'{property}' is not a field of crosstalk-transcript/1, and the object does not say which format it is: another tool's JSON, not one Crosstalk reads? (those it reads: docs/datasets.md, Import)", ex);
            }

            return new TranscriptFormatException(path, line, $"'{property}'{at} is not a field of crosstalk-transcript/1 (mistyped? see docs/transcript-format.md)", ex);
        }

        var problem = ex.Path is null or "$"
            ? $"the file is not valid JSON ({reason})"
            : $"the value at {ex.Path} is not valid ({reason})";
        return new TranscriptFormatException(path, line, problem, ex);
    }

    // "The JSON property 'X' could not be mapped to any .NET member contained in type 'Y'.": the property's name.
    private static string? UnmappedProperty(string reason)
    {
        const string Start = "The JSON property '";
        var end = reason.LastIndexOf("' could not be mapped to any .NET member", StringComparison.Ordinal);
        return reason.StartsWith(Start, StringComparison.Ordinal) && end >= Start.Length ? reason[Start.Length..end] : null;
    }

    private static TranscriptDocument ToDocument(Transcript transcript)
    {
        var participants = new List<ParticipantDocument>(transcript.Participants.Count);
        foreach (var p in transcript.Participants)
        {
            participants.Add(new ParticipantDocument { Seat = p.Seat, Name = p.Name, Model = p.Model, SystemPrompt = p.SystemPrompt });
        }

        var messages = new List<MessageDocument>(transcript.Messages.Count);
        foreach (var m in transcript.Messages)
        {
            var attempts = ToDocuments(m.Attempts);

            messages.Add(new MessageDocument
            {
                Seat = m.Seat,
                Speaker = m.Speaker,
                Content = m.Content,
                Timestamp = m.Timestamp,
                Usage = m.Usage is { } u
                    ? new UsageDocument { InputTokens = u.InputTokens, OutputTokens = u.OutputTokens, ReasoningTokens = u.ReasoningTokens, Estimated = u.Estimated }
                    : null,
                Cost = m.Cost,
                LatencyMs = ToMilliseconds(m.Latency),
                TimeToFirstTokenMs = ToMilliseconds(m.TimeToFirstToken),
                FinishReason = m.FinishReason,
                Reasoning = m.Reasoning,
                SentAs = m.SentAs,
                Attempts = attempts,
            });
        }

        return new TranscriptDocument
        {
            Format = FormatName,
            Title = transcript.Title,
            Participants = participants,
            Started = transcript.Started,
            Ended = transcript.Ended,
            Messages = messages,
            Stop = transcript.Stop is { } s
                ? new StopDocument { Reason = s.Reason, Seat = s.Seat, Message = s.Message, Detail = s.Detail, Attempts = ToDocuments(s.Attempts) }
                : null,
            Metadata = transcript.Metadata.Count > 0 ? new Dictionary<string, string>(transcript.Metadata) : null,
        };
    }

    private static List<AttemptDocument>? ToDocuments(IEnumerable<Attempt> attempts)
    {
        var documents = new List<AttemptDocument>();
        foreach (var a in attempts)
        {
            documents.Add(new AttemptDocument
            {
                Number = a.Number,
                Error = a.Error,
                StatusCode = a.StatusCode,
                DurationMs = ToMilliseconds(a.Duration),
                RetryAfterMs = ToMilliseconds(a.RetryAfter),
            });
        }

        return documents.Count == 0 ? null : documents;
    }

    private static List<Attempt> FromDocuments(List<AttemptDocument>? documents)
    {
        var attempts = new List<Attempt>(documents?.Count ?? 0);
        foreach (var a in documents ?? [])
        {
            attempts.Add(new Attempt(a.Number, a.Error ?? string.Empty, a.StatusCode, ToTimeSpan(a.DurationMs, "durationMs"), ToTimeSpan(a.RetryAfterMs, "retryAfterMs")));
        }

        return attempts;
    }

    private static Transcript FromDocument(TranscriptDocument document, string? path, int line)
    {
        try
        {
            return FromValidDocument(document, path, line);
        }
        catch (FormatException ex)
        {
            throw new TranscriptFormatException(path, line, ex.Message, ex);
        }
    }

    private static Transcript FromValidDocument(TranscriptDocument document, string? path, int line)
    {
        if (document.Format is not null && document.Format != FormatName)
        {
            throw new TranscriptFormatException(path, line, $"the format '{document.Format}' is not supported; this version reads '{FormatName}'");
        }

        if (document.Participants is null)
        {
            throw new TranscriptFormatException(path, line, "the transcript has no 'participants' list");
        }

        if (document.Messages is null)
        {
            throw new TranscriptFormatException(path, line, "the transcript has no 'messages' list");
        }

        var transcript = new Transcript { Started = document.Started, Ended = document.Ended };
        var names = new Dictionary<int, string>();
        for (var i = 0; i < document.Participants.Count; i++)
        {
            var p = document.Participants[i];
            if (p is null || string.IsNullOrEmpty(p.Name))
            {
                throw new TranscriptFormatException(path, line, $"participant {i + 1} has no 'name'");
            }

            if (!names.TryAdd(p.Seat, p.Name))
            {
                throw new TranscriptFormatException(path, line, $"two participants sit on seat {p.Seat}");
            }

            transcript.Participants.Add(new Participant(p.Seat, p.Name, p.Model, p.SystemPrompt));
        }

        transcript.Title = document.Title ?? Transcript.TitleFor(transcript.Participants);

        for (var i = 0; i < document.Messages.Count; i++)
        {
            var m = document.Messages[i] ?? throw new TranscriptFormatException(path, line, $"message {i + 1} is null");
            if (m.Seat is not { } seat || !names.TryGetValue(seat, out var seatName))
            {
                throw new TranscriptFormatException(
                    path, line,
                    m.Seat is null ? $"message {i + 1} has no 'seat'" : $"message {i + 1} is on seat {m.Seat}, where no participant sits");
            }

            if (m.Content is null)
            {
                throw new TranscriptFormatException(path, line, $"message {i + 1} has no 'content'");
            }

            if (m.Usage is { } counted && (counted.InputTokens < 0 || counted.OutputTokens < 0 || counted.ReasoningTokens < 0))
            {
                throw new TranscriptFormatException(path, line, $"message {i + 1}'s usage holds a negative token count");
            }

            if (m.Cost < 0)
            {
                throw new TranscriptFormatException(path, line, $"message {i + 1}'s cost is negative");
            }

            // No reply costs a million dollars; a store sums costs, and sums of such numbers leave what a decimal holds.
            if (m.Cost > MostCost)
            {
                throw new TranscriptFormatException(path, line, $"message {i + 1}'s cost is more than 1,000,000 dollars");
            }

            var attempts = FromDocuments(m.Attempts);

            transcript.Messages.Add(new TranscriptMessage
            {
                Seat = seat,
                Speaker = m.Speaker ?? seatName,
                Content = m.Content,
                Timestamp = m.Timestamp,
                Usage = m.Usage is { } u ? new TokenUsage(u.InputTokens, u.OutputTokens, u.ReasoningTokens, u.Estimated) : null,
                Cost = m.Cost,
                Latency = ToTimeSpan(m.LatencyMs, $"message {i + 1}'s latencyMs"),
                TimeToFirstToken = ToTimeSpan(m.TimeToFirstTokenMs, $"message {i + 1}'s timeToFirstTokenMs"),
                FinishReason = m.FinishReason,
                Reasoning = m.Reasoning,
                SentAs = m.SentAs,
                Attempts = attempts,
            });
        }

        if (document.Stop is { } stop)
        {
            if (string.IsNullOrEmpty(stop.Reason))
            {
                throw new TranscriptFormatException(path, line, "the 'stop' object has no 'reason'");
            }

            // Where it stopped is a seat of the conversation and one of its messages (or the next, the one that could not be had).
            if (stop.Seat is { } stopSeat && !names.ContainsKey(stopSeat))
            {
                throw new TranscriptFormatException(path, line, $"the stop names seat {stopSeat}, where no participant sits");
            }

            if (stop.Message is { } stopMessage && (stopMessage < 1 || stopMessage > transcript.Messages.Count + 1))
            {
                throw new TranscriptFormatException(path, line, $"the stop names message {stopMessage}, but the transcript has {transcript.Messages.Count}");
            }

            transcript.Stop = new StopInfo(stop.Reason, stop.Seat, stop.Message, stop.Detail) { Attempts = FromDocuments(stop.Attempts) };
        }

        foreach (var (key, value) in document.Metadata ?? [])
        {
            transcript.Metadata[key] = value;
        }

        return transcript;
    }

    private static double? ToMilliseconds(TimeSpan? value) => value?.TotalMilliseconds;

    /// <summary>The longest duration a transcript may record: a year (a latency of 1e999 ms is a broken file, not a wait).</summary>
    private const double MaxMilliseconds = 366d * 24 * 60 * 60 * 1000;

    private static TimeSpan? ToTimeSpan(double? milliseconds, string field) =>
        milliseconds is { } ms && (!double.IsFinite(ms) || ms < 0 || ms > MaxMilliseconds)
            ? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{field} is {ms}, but a duration must be a number of milliseconds from 0 to 366 days"))
            : Durations.FromMilliseconds(milliseconds);
}
