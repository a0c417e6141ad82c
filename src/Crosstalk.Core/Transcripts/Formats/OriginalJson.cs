using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// The JSON the original Python system wrote beside each Markdown transcript:
/// <c>{"model_a", "model_b", "initial_message", "messages": [{"role", "content", "speaker"}], "started_at", "ended_at"}</c>
/// with local ISO-8601 times without an offset. The writer reproduces Python's
/// <c>json.dump(indent=2, ensure_ascii=True)</c> byte for byte.
/// </summary>
public static class OriginalJson
{
    /// <summary>
    /// The metadata key that keeps <c>initial_message</c> when it differs from the first message's content,
    /// so that writing the transcript back gives the same file.
    /// </summary>
    public const string InitialMessageKey = "initialMessage";

    private const string MicrosecondsFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff";
    private const string SecondsFormat = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>Parses the original system's JSON.</summary>
    /// <exception cref="TranscriptFormatException">The text is not valid JSON or not in the original system's shape.</exception>
    public static Transcript Read(string json, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        OriginalDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, TranscriptJson.Reading.OriginalDocument);
        }
        catch (JsonException ex)
        {
            throw TranscriptJson.FromJsonException(ex, path, 1);
        }

        if (document?.ModelA is null || document.ModelB is null)
        {
            throw new TranscriptFormatException(path, 1, "expected a JSON object with 'model_a' and 'model_b' (the original system's transcript)");
        }

        if (document.Messages is null)
        {
            throw new TranscriptFormatException(path, 1, "the transcript has no 'messages' list");
        }

        var transcript = new Transcript
        {
            Started = ParseTime(document.StartedAt, "started_at", path),
            Ended = ParseTime(document.EndedAt, "ended_at", path),
        };
        transcript.Participants.Add(new Participant(1, document.ModelA));
        transcript.Participants.Add(new Participant(2, document.ModelB));
        transcript.Title = Transcript.TitleFor(transcript.Participants);

        var seats = new SeatAssigner([document.ModelA, document.ModelB]);
        for (var i = 0; i < document.Messages.Count; i++)
        {
            var message = document.Messages[i];
            if (message?.Content is null || message.Speaker is null)
            {
                throw new TranscriptFormatException(path, null, $"message {i + 1} has no 'content' or no 'speaker'");
            }

            var seat = seats.Next(message.Speaker);
            if (seat == 0)
            {
                throw new TranscriptFormatException(
                    path, null, $"message {i + 1} is spoken by '{message.Speaker}', who is neither model_a ('{document.ModelA}') nor model_b ('{document.ModelB}')");
            }

            transcript.Messages.Add(new TranscriptMessage { Seat = seat, Speaker = message.Speaker, Content = message.Content });
        }

        if (document.InitialMessage is { } initial && (transcript.Messages.Count == 0 || transcript.Messages[0].Content != initial))
        {
            transcript.Metadata[InitialMessageKey] = initial;
        }

        // Read past, as files of a later version of the system may hold more, but not in silence: a mistyped "ended_at"
        // would otherwise lose the end time without a word. One warning a key, naming where it first occurs.
        var unknown = (document.Unknown?.Keys.Select(key => (Key: key, Where: "")) ?? [])
            .Concat(document.Messages.SelectMany((m, i) => m?.Unknown?.Keys.Select(key => (Key: key, Where: $" in message {i + 1}")) ?? []))
            .DistinctBy(u => u.Key, StringComparer.Ordinal);
        foreach (var (key, where) in unknown.Take(5))
        {
            transcript.ReadWarnings.Add(
                $"{path ?? "transcript"}: the key '{ErrorText.Excerpt(key)}'{where} is not one the original system writes (model_a, model_b, initial_message, messages with role, content and speaker, started_at, ended_at); it is ignored");
        }

        // The role is not read (the speaker says who spoke), but one the original never wrote is said, not passed over.
        var roles = document.Messages.Select((m, i) => (m!.Role, Message: i + 1))
            .Where(r => r.Role is not null and not "user" and not "assistant")
            .DistinctBy(r => r.Role, StringComparer.Ordinal);
        foreach (var (role, message) in roles.Take(5))
        {
            transcript.ReadWarnings.Add(
                $"{path ?? "transcript"}: message {message}'s role '{ErrorText.Excerpt(role)}' is not one the original system writes (user, assistant); it is ignored");
        }

        return transcript;
    }

    /// <summary>Reads the original system's JSON from a file.</summary>
    public static Transcript ReadFile(string path) => Read(AtomicFile.ReadAllText(path), path);

    /// <summary>
    /// Writes a two-seat transcript in the original system's shape, exactly as Python's
    /// <c>json.dump(data, f, indent=2, ensure_ascii=True)</c> would (no final newline). The first message gets
    /// role <c>user</c>, the others <c>assistant</c>, as the original recorded them.
    /// </summary>
    /// <exception cref="TranscriptFormatException">The transcript does not have exactly two participants.</exception>
    public static string Write(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (transcript.Participants.Count != 2)
        {
            throw new TranscriptFormatException(
                null, null, $"the original system's JSON holds exactly two models, and this transcript has {transcript.Participants.Count} participants; write it as JSON, which holds any number");
        }

        var initial = transcript.Metadata.TryGetValue(InitialMessageKey, out var kept)
            ? kept
            : transcript.Messages.Count > 0 ? transcript.Messages[0].Content : " ";

        var opener = OpenerIndex(transcript);
        var builder = new StringBuilder(256 + (transcript.Messages.Count * 128));
        builder.Append("{\n  \"model_a\": ");
        AppendString(builder, transcript.Participants[opener].Name);
        builder.Append(",\n  \"model_b\": ");
        AppendString(builder, transcript.Participants[1 - opener].Name);
        builder.Append(",\n  \"initial_message\": ");
        AppendString(builder, initial);
        builder.Append(",\n  \"messages\": ");
        if (transcript.Messages.Count == 0)
        {
            builder.Append("[]");
        }
        else
        {
            builder.Append('[');
            for (var i = 0; i < transcript.Messages.Count; i++)
            {
                var message = transcript.Messages[i];
                builder.Append(i == 0 ? "\n    {\n      \"role\": " : ",\n    {\n      \"role\": ");
                AppendString(builder, i == 0 ? "user" : "assistant");
                builder.Append(",\n      \"content\": ");
                AppendString(builder, message.Content);
                builder.Append(",\n      \"speaker\": ");
                // The seat's name: the format knows no speaker but its two models (a narrator's message is its seat's).
                AppendString(builder, transcript.Participants.FirstOrDefault(p => p.Seat == message.Seat)?.Name ?? message.Speaker);
                builder.Append("\n    }");
            }

            builder.Append("\n  ]");
        }

        builder.Append(",\n  \"started_at\": ");
        AppendTime(builder, transcript.Started);
        builder.Append(",\n  \"ended_at\": ");
        AppendTime(builder, transcript.Ended);
        builder.Append("\n}");
        return builder.ToString();
    }

    // Which of the two participants is model_a: the one whose seat speaks the opener, whichever seat it had (`crosstalk
    // run --first b`); the first when no message says otherwise.
    private static int OpenerIndex(Transcript transcript) =>
        transcript.Messages.Count > 0 && transcript.Messages[0].Seat == transcript.Participants[1].Seat ? 1 : 0;

    /// <summary>
    /// What of <paramref name="transcript"/> the original system's JSON does not hold: what seed Markdown does not
    /// (<see cref="SeedMarkdown.NotKept(Transcript)"/>; this format keeps the opener apart, too), and the seat numbers when
    /// seat 2 opened — model_a, read back as seat 1, is the model that speaks first.
    /// </summary>
    public static IReadOnlyList<string> NotKept(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var lost = SeedMarkdown.NotKept(transcript, [InitialMessageKey]);
        if (transcript.Messages.Count == 0 || transcript.Participants.Count != 2)
        {
            return lost;
        }

        // Written as it reads back: the opener's seat is model_a, seat 1.
        var first = OpenerIndex(transcript);
        var (opener, other) = (transcript.Participants[first], transcript.Participants[1 - first]);
        if (SeedMarkdown.SeatOrderProblem([opener.Name, other.Name], transcript.Messages.Select(m => m.Seat == opener.Seat ? 1 : 2)) is not null)
        {
            lost.Insert(0, "which seat spoke which message (one name on both seats, and the messages do not take turns)");
        }
        else if (opener != transcript.Participants[0])
        {
            lost.Insert(0, string.Create(CultureInfo.InvariantCulture, $"the seat numbers (seat {opener.Seat} speaks first, and model_a, read back as seat 1, is the model that does)"));
        }

        return lost;
    }

    /// <summary>Writes the original system's JSON to a file, atomically.</summary>
    public static void WriteFile(Transcript transcript, string path)
    {
        var text = Write(transcript);
        AtomicFile.WriteAllText(path, text);
    }

    private static DateTimeOffset? ParseTime(string? value, string field, string? path)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTime.TryParseExact(value, [MicrosecondsFormat, SecondsFormat], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            return LocalClock.FromClock(clock);
        }

        // Python writes an offset when the datetime was zone-aware; keep it then. Exactly that form: a lenient parse took
        // "13:08:38" for today at that time.
        if (IsoTime.TryParseZoned(value, out var withOffset))
        {
            return withOffset;
        }

        throw new TranscriptFormatException(path, null, $"'{field}' is '{value}', which is not an ISO-8601 time");
    }

    // Python's datetime.isoformat(): microseconds only when there are some, and the offset of a zone-aware time. A time
    // on this machine's clock is written as the original wrote it, without one; any other keeps its offset, as the reader
    // takes it back (written bare, 09:00 at +09:00 would read back as 09:00 here).
    private static void AppendTime(StringBuilder builder, DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            builder.Append("null");
            return;
        }

        var format = time.Ticks % TimeSpan.TicksPerSecond / 10 == 0 ? SecondsFormat : MicrosecondsFormat;
        builder.Append('"').Append(time.ToString(format, CultureInfo.InvariantCulture));
        if (LocalClock.FromClock(time.DateTime).Offset != time.Offset)
        {
            builder.Append(time.ToString("zzz", CultureInfo.InvariantCulture));
        }

        builder.Append('"');
    }

    // Python's json encoder with ensure_ascii=True: printable ASCII as is, the usual short escapes,
    // everything else (including DEL and each UTF-16 surrogate) as \uXXXX in lowercase hex.
    private static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c is >= ' ' and <= '~')
                    {
                        builder.Append(c);
                    }
                    else
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
