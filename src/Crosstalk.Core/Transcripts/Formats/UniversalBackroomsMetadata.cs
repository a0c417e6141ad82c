using System.Globalization;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats;

/// <summary>One line of a UniversalBackrooms metadata JSONL file: what ran, when, and why it stopped.</summary>
/// <param name="Models">The models, in seat order (short names such as <c>k2</c>, <c>gpt5</c>).</param>
/// <param name="Template">The template (scenario) name.</param>
/// <param name="MaxTurns">The turn cap.</param>
/// <param name="Start">When the run started.</param>
/// <param name="End">When it ended.</param>
/// <param name="ExitReason">Why it ended (<c>max_turns</c>, <c>early_stop</c>, …).</param>
/// <param name="LogFile">The log's path as the tool wrote it.</param>
public sealed record UniversalBackroomsMetadata(
    IReadOnlyList<string> Models,
    string? Template,
    int? MaxTurns,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string? ExitReason,
    string? LogFile)
{
    /// <summary>Parses one JSON line; unknown properties are ignored.</summary>
    /// <exception cref="JsonException">The line is not a JSON object.</exception>
    /// <exception cref="FormatException">Its models, turn cap or a text field are not what the tool writes.</exception>
    public static UniversalBackroomsMetadata Parse(string json)
    {
        using var document = Object(json);
        var root = document.RootElement;
        return new UniversalBackroomsMetadata(
            Strings(root, "models"),
            String(root, "template"),
            TurnCap(root),
            Time(root, "start"),
            Time(root, "end"),
            String(root, "exit_reason"),
            String(root, "log_file"));
    }

    /// <summary>
    /// Parses the file a later version of the tool writes beside each log (<c>x.meta.json</c>: <c>started_at</c>,
    /// <c>template</c>, <c>args_models</c>, <c>logs.text</c>); unknown properties are ignored.
    /// </summary>
    /// <exception cref="JsonException">The text is not a JSON object.</exception>
    /// <exception cref="FormatException">Its models are not a list of names.</exception>
    public static UniversalBackroomsMetadata ParseRunFile(string json)
    {
        using var document = Object(json);
        var root = document.RootElement;
        var logFile = root.TryGetProperty("logs", out var logs) && logs.ValueKind == JsonValueKind.Object ? String(logs, "text") : null;
        return new UniversalBackroomsMetadata(Strings(root, "args_models"), String(root, "template"), null, Time(root, "started_at"), null, null, logFile);
    }

    private static JsonDocument Object(string json)
    {
        var document = StrictJson.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new JsonException("Expected a JSON object.");
        }

        return document;
    }

    // The models in seat order: one that is not a name would shift every later model onto the wrong seat if left out.
    private static List<string> Strings(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String))
        {
            throw new FormatException($"'{name}' must be a list of model names");
        }

        var models = list.EnumerateArray().Select(m => m.GetString()!).ToList();
        return models.FirstOrDefault(m => m.Length > StoreLimits.Model) is { } tooLong
            ? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{name}' holds a model name of {tooLong.Length:N0} characters; a store keeps model ids of at most {StoreLimits.Model}"))
            : models;
    }

    // null where the tool did not know it ("max_turns": null in logs indexed after the fact); else a whole number.
    private static int? TurnCap(JsonElement root)
    {
        if (!root.TryGetProperty("max_turns", out var turns) || turns.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return turns.ValueKind == JsonValueKind.Number && turns.TryGetInt32(out var t) && t >= 0
            ? t
            : throw new FormatException($"'max_turns' is {Shown(turns)}, but it must be a whole number of turns or null");
    }

    // Text or nothing: a number or a list where the tool writes text would otherwise be dropped without a word.
    private static string? String(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"'{name}' is {Shown(value)}, but it must be text or null");
    }

    private static string Shown(JsonElement value)
    {
        var raw = value.GetRawText();
        return ErrorText.OneLine(ErrorText.Excerpt(raw));
    }

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        IsoTime.Read(String(root, name), name);
}
