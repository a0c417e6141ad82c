using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crosstalk.Testing.FakeProviders;

/// <summary>Loads the recorded provider traffic in <c>shared/fixtures/provider-wire</c> as responses a fake server can replay.</summary>
public static class WireFixtures
{
    /// <summary>The recorded OpenAI exchanges of a session file (name without <c>.json</c>), in order.</summary>
    public static IReadOnlyList<(JsonObject Request, RecordedResponse Response)> OpenAI(string name)
    {
        var path = Path.Combine(SharedFiles.ProviderWire, "openai", name + ".json");
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return root["Entries"]!.AsArray().OfType<JsonObject>().Select(entry =>
        {
            var status = entry["StatusCode"]!.GetValue<int>();
            var body = entry["ResponseBody"];
            var headers = (entry["ResponseHeaders"] as JsonObject ?? [])
                .Where(h => h.Key.StartsWith("x-ratelimit", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("retry-after", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key, h => h.Value!.GetValue<string>());
            var response = body is JsonArray lines
                ? new RecordedResponse(status, "text/event-stream; charset=utf-8", lines.Select(l => l!.GetValue<string>()).ToList(), headers)
                : new RecordedResponse(status, "application/json", [body?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "{}"], headers);
            return ((entry["RequestBody"] as JsonObject) ?? [], response);
        }).ToList();
    }

    /// <summary>A recorded Anthropic SSE stream (file name with extension), served one event at a time.</summary>
    public static RecordedResponse Anthropic(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(SharedFiles.ProviderWire, "anthropic", fileName)).ReplaceLineEndings("\n");
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !string.IsNullOrWhiteSpace(e))
            .Select(e => e.Trim('\n') + "\n\n")
            .ToList();
        return new RecordedResponse(200, "text/event-stream; charset=utf-8", events);
    }

    /// <summary>The names of the recorded OpenAI session files.</summary>
    public static IEnumerable<string> OpenAINames =>
        Directory.EnumerateFiles(Path.Combine(SharedFiles.ProviderWire, "openai"), "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!);

    /// <summary>The names of the recorded Anthropic streams.</summary>
    public static IEnumerable<string> AnthropicNames =>
        Directory.EnumerateFiles(Path.Combine(SharedFiles.ProviderWire, "anthropic")).Select(p => Path.GetFileName(p)!);
}
