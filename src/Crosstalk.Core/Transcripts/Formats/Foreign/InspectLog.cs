using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// Inspect AI eval logs (UK AISI's <c>inspect_ai</c>): each sample's <c>messages</c> is a conversation between
/// <c>user</c> and the evaluated model (named by the log's <c>eval.model</c>), with <c>tool</c> messages as a third
/// speaker; a <c>system</c> message is the model's system prompt; reasoning parts are kept as reasoning, other non-text
/// parts are named in brackets. The task, eval, run, sample id, epoch and scores are kept in the metadata. The JSON log
/// is read here; the <c>.eval</c> archive's entries are read by the importer and given to <see cref="ReadSamples"/>.
/// </summary>
public static class InspectLog
{
    /// <summary>The value of <see cref="TranscriptMetadataKeys.SourceFormat"/>.</summary>
    public const string Format = "inspect-ai";

    /// <summary>Whether a JSON object is an Inspect log: it has an <c>eval</c> object with a <c>task</c>.</summary>
    public static bool IsLog(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("eval", out var eval) && eval.ValueKind == JsonValueKind.Object
        && eval.TryGetProperty("task", out _);

    /// <summary>Reads the samples of a <c>.json</c> log.</summary>
    /// <exception cref="TranscriptFormatException">The log has no samples, or a sample cannot be read.</exception>
    public static List<Transcript> Read(string text, string? path)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var document = Parse(text, path);
        var root = document.RootElement;
        if (!IsLog(root))
        {
            throw new TranscriptFormatException(path, null, "the file is not an Inspect AI log (it has no 'eval' with a 'task')");
        }

        if (!root.TryGetProperty("samples", out var samples) || samples.ValueKind != JsonValueKind.Array || samples.GetArrayLength() == 0)
        {
            throw new TranscriptFormatException(path, null, "the Inspect AI log has no samples (it was run with log_samples off, or never finished a sample)");
        }

        return [.. samples.EnumerateArray().Select(sample => FromSample(root.GetProperty("eval"), sample, path))];
    }

    /// <summary>Reads samples stored apart from their header (an <c>.eval</c> archive's <c>samples/*.json</c>).</summary>
    public static List<Transcript> ReadSamples(string headerJson, IEnumerable<string> sampleJsons, string? path)
    {
        ArgumentNullException.ThrowIfNull(headerJson);
        ArgumentNullException.ThrowIfNull(sampleJsons);
        using var header = Parse(headerJson, path);
        if (!header.RootElement.TryGetProperty("eval", out var eval) || eval.ValueKind != JsonValueKind.Object)
        {
            throw new TranscriptFormatException(path, null, "the Inspect AI archive's header has no 'eval'");
        }

        var transcripts = new List<Transcript>();
        foreach (var json in sampleJsons)
        {
            using var sample = Parse(json, path);
            transcripts.Add(FromSample(eval, sample.RootElement, path));
        }

        // Inspect's own order: by epoch, then id.
        return [.. transcripts.OrderBy(t => int.Parse(t.Metadata["inspect.epoch"], CultureInfo.InvariantCulture)).ThenBy(t => SortKey(t.Metadata["inspect.sample"]), StringComparer.Ordinal)];
    }

    private static string SortKey(string id) => id.All(char.IsAsciiDigit) ? id.PadLeft(20, '0') : id;

    private static Transcript FromSample(JsonElement eval, JsonElement sample, string? path)
    {
        var id = sample.TryGetProperty("id", out var idValue) ? (idValue.ValueKind == JsonValueKind.String ? idValue.GetString()! : idValue.GetRawText()) : "?";
        var epoch = sample.TryGetProperty("epoch", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 1;
        var where = $"sample {id}, epoch {epoch}";
        if (!sample.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new TranscriptFormatException(path, null, $"{where} has no 'messages' list");
        }

        var model = ChatJsonl.Text(eval, "model") ?? "model";
        var builder = new SpeakerTranscript(Format);
        var prompts = new List<string>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            var role = ChatJsonl.Text(message, "role") ?? throw new TranscriptFormatException(path, null, string.Create(CultureInfo.InvariantCulture, $"{where}: message {index} has no 'role'"));
            var (text, reasoning) = Content(message, where, index, path);
            switch (role)
            {
                case "system":
                    prompts.Add(text);
                    break;
                case "assistant":
                    builder.Add(builder.Seat("assistant", model, model), text, reasoning: reasoning ?? ChatJsonl.Text(message, "reasoning"));
                    break;
                default:
                    builder.Add(builder.Seat(role, role), text, reasoning: reasoning);
                    break;
            }
        }

        if (builder.Transcript.Messages.Count == 0)
        {
            throw new TranscriptFormatException(path, null, $"{where} has no messages besides system prompts");
        }

        if (prompts.Count > 0)
        {
            builder.SystemPrompt(builder.Seat("assistant", model, model), string.Join("\n\n", prompts));
        }

        var transcript = builder.Transcript;
        var task = ChatJsonl.Text(eval, "task") ?? "task";
        transcript.Title = $"{task} · sample {id}" + (epoch > 1 ? string.Create(CultureInfo.InvariantCulture, $" · epoch {epoch}") : "");
        transcript.Started = Time(sample, "started_at") ?? Time(eval, "created");
        transcript.Ended = Time(sample, "completed_at");
        transcript.Metadata["inspect.task"] = task;
        transcript.Metadata["inspect.sample"] = id;
        transcript.Metadata["inspect.epoch"] = epoch.ToString(CultureInfo.InvariantCulture);
        transcript.Metadata[TranscriptMetadataKeys.SourceLocation] = where;
        foreach (var key in new[] { "eval_id", "run_id", "task_id" })
        {
            if (ChatJsonl.Text(eval, key) is { } value)
            {
                transcript.Metadata["inspect." + key] = value;
            }
        }

        if (sample.TryGetProperty("scores", out var scores) && scores.ValueKind == JsonValueKind.Object)
        {
            foreach (var score in scores.EnumerateObject())
            {
                if (score.Value.TryGetProperty("value", out var value))
                {
                    transcript.Metadata["inspect.score." + score.Name] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                }
            }
        }

        if (sample.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            transcript.Stop = new StopInfo(StopReasons.Error, Detail: ChatJsonl.Text(error, "message") ?? "The sample ended with an error.");
        }

        return builder.Build();
    }

    private static (string Text, string? Reasoning) Content(JsonElement message, string where, int index, string? path)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var hasContent = message.TryGetProperty("content", out var content) && content.ValueKind != JsonValueKind.Null;
        if (hasContent && content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString());
        }
        else if (hasContent && content.ValueKind == JsonValueKind.Array)
        {
            var part = string.Create(CultureInfo.InvariantCulture, $"{where}: message {index}");
            foreach (var piece in content.EnumerateArray())
            {
                if (ChatJsonl.Text(piece, "type") == "reasoning")
                {
                    var redacted = piece.TryGetProperty("redacted", out var r) && r.ValueKind == JsonValueKind.True;
                    if (!redacted && piece.TryGetProperty("reasoning", out var said) && said.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    {
                        // Inspect writes reasoning as text: anything else would be read as no reasoning without a word.
                        throw new TranscriptFormatException(path, null, string.Create(CultureInfo.InvariantCulture, $"{part} has a reasoning part whose 'reasoning' is not text"));
                    }

                    var value = redacted ? "[redacted reasoning]" : ChatJsonl.Text(piece, "reasoning") ?? "";
                    reasoning.Append(reasoning.Length > 0 ? "\n" : "").Append(value);
                    continue;
                }

                text.Append(text.Length > 0 ? "\n" : "").Append(ChatJsonl.PartText(piece, path, null, part));
            }
        }
        else if (hasContent)
        {
            throw new TranscriptFormatException(path, null, string.Create(CultureInfo.InvariantCulture, $"{where}: message {index} has a 'content' that is neither text nor a list of parts"));
        }

        // An agent's calls are what it did: kept in the message, as the chat formats keep them.
        var calls = ChatJsonl.ToolCalls(message);
        text.Append(calls.Length > 0 && text.Length > 0 ? "\n" : "").Append(calls);
        return (text.ToString(), reasoning.Length > 0 ? reasoning.ToString() : null);
    }

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        IsoTime.Read(ChatJsonl.Text(element, property), property);

    /// <summary>Parses Inspect's JSON, which writes unscored values as bare <c>NaN</c> and <c>Infinity</c> (read as null).</summary>
    private static JsonDocument Parse(string text, string? path)
    {
        try
        {
            return StrictJson.Parse(WithoutNonFinite(text), StrictJson.Document with { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new TranscriptFormatException(path, (int?)ex.LineNumber + 1, $"the Inspect AI log is not valid JSON ({StrictJson.Reason(ex)})", ex);
        }
    }

    // NaN, Infinity and -Infinity outside strings become null; everything else is kept as it is.
    private static string WithoutNonFinite(string text)
    {
        if (!text.Contains("NaN", StringComparison.Ordinal) && !text.Contains("Infinity", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    result.Append(text[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (Token(text, i, "NaN") || Token(text, i, "Infinity"))
            {
                result.Append("null");
                i += text[i] == 'N' ? 2 : 7;
                continue;
            }
            else if (c == '-' && Token(text, i + 1, "Infinity"))
            {
                result.Append("null");
                i += 8;
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static bool Token(string text, int at, string token) => string.CompareOrdinal(text, at, token, 0, token.Length) == 0;
}
