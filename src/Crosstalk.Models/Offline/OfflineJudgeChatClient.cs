using System.Text;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Analysis.Judge;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// <c>offline:judge</c>: a judge that answers by rules, for demos and tests without a network. It reads the numbered
/// conversation from the prompt and the answer's schema from the request, and answers every field: a topic or an
/// ending (labels of the <c>topics-and-endings</c> rubric, matched by their words) by word lists and the shape of the
/// last messages, a span's <c>first</c> and <c>last</c> message (the <c>goodbye-loop</c> rubric) with the goodbye loop
/// Crosstalk's own analysis finds (from the prompt alone, so a log whose first message a model spoke is read with that
/// message as an opener), any other label field with its first label, a scale with its lowest value. The same prompt
/// always gets the same answer. It is a stand-in, not a judge to trust with real transcripts.
/// </summary>
public sealed class OfflineJudgeChatClient() : OfflineChatClient("offline:judge")
{
    private static readonly string[] Spiritual = ["consciousness", "conscious", "aware", "awareness", "soul", "spirit", "spiritual", "sacred", "eternal", "divine", "cosmic", "universe", "unity", "infinite", "namaste", "bliss", "gratitude", "meditation", "oneness"];
    private static readonly string[] Science = ["quantum", "physics", "algorithm", "algorithms", "data", "code", "computing", "computer", "science", "math", "qubit", "qubits", "model", "models", "system", "systems", "energy", "decoder", "graph"];
    private static readonly string[] Art = ["poem", "poetry", "poet", "story", "stories", "music", "song", "art", "paint", "painting", "verse", "verses", "creative", "imagine", "line", "rhyme"];
    private static readonly string[] Philosophy = ["free", "will", "determinism", "ethics", "moral", "morality", "truth", "meaning", "philosophy", "reality", "mind", "responsibility", "metaphysical", "reason", "reasons", "compatibilists"];
    private static readonly string[] SmallTalk = ["hi", "hello", "how", "day", "weather", "thanks", "nice", "lovely", "chatting", "fine", "great"];
    private static readonly string[] Farewells = ["goodbye", "bye", "farewell", "take care", "see you", "until next time"];

    /// <inheritdoc />
    internal override string Reply(IReadOnlyList<ChatMessage> history, ChatOptions? options)
    {
        var prompt = history.Count == 0 ? string.Empty : history[^1].Text;
        var numbered = NumberedConversation.Read(prompt);
        var messages = numbered.ConvertAll(m => m.Content);
        var loop = new Lazy<GoodbyeLoop?>(() => Loop(numbered));
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            if ((options?.ResponseFormat as ChatResponseFormatJson)?.Schema is { } schema && schema.TryGetProperty("properties", out var properties))
            {
                foreach (var property in properties.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Answer(writer, property.Name, property.Value, messages, loop);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static void Answer(Utf8JsonWriter writer, string name, JsonElement schema, IReadOnlyList<string> messages, Lazy<GoodbyeLoop?> loop)
    {
        if (name is "first" or "last" && Types(schema).Contains("integer"))
        {
            // A span's ends: the goodbye loop of the analysis, or null (a schema that allows none) when it finds none.
            if (loop.Value is { } found)
            {
                writer.WriteNumberValue(name == "first" ? found.Start : found.End);
                return;
            }

            if (Types(schema).Contains("null"))
            {
                writer.WriteNullValue();
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            var labels = values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList();
            var label = name switch
            {
                "topic" => Topic(messages, labels),
                "ending" => Ending(messages, labels),
                _ => null,
            };
            writer.WriteStringValue(label ?? labels.FirstOrDefault() ?? string.Empty);
            return;
        }

        var type = Types(schema).FirstOrDefault() ?? "string";
        switch (type)
        {
            case "integer" or "number":
                writer.WriteNumberValue(schema.TryGetProperty("minimum", out var min) ? min.GetDouble() : 0);
                break;
            case "boolean":
                writer.WriteBooleanValue(false);
                break;
            case "null":
                writer.WriteNullValue();
                break;
            default:
                writer.WriteStringValue(name == "reason" ? "offline:judge answers by rules (word lists, the shape of the last messages, the analysis), not by reading." : string.Empty);
                break;
        }
    }

    // The label whose words the conversation uses most; "other" (or the last label) when it uses none.
    private static string? Topic(IReadOnlyList<string> messages, IReadOnlyList<string> labels)
    {
        var words = Words(string.Join(' ', messages));
        (string Key, string[] List)[] topics = [("spiritual", Spiritual), ("science", Science), ("art", Art), ("philosophy", Philosophy), ("small", SmallTalk)];
        var best = topics.Select(topic => (topic.Key, Score: words.Count(w => topic.List.Contains(w, StringComparer.Ordinal))))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .Select(s => s.Key)
            .FirstOrDefault();
        return best is null
            ? labels.FirstOrDefault(l => l.Contains("other", StringComparison.OrdinalIgnoreCase)) ?? labels.LastOrDefault()
            : labels.FirstOrDefault(l => l.Contains(best, StringComparison.OrdinalIgnoreCase));
    }

    // How the last messages look: mostly emoji, full of spiritual words, a round of farewells, an end token, or none of these.
    private static string? Ending(IReadOnlyList<string> messages, IReadOnlyList<string> labels)
    {
        string? Label(string word) => labels.FirstOrDefault(l => l.Contains(word, StringComparison.OrdinalIgnoreCase));
        var last = messages.TakeLast(4).ToList();
        if (last.Count == 0)
        {
            return Label("no");
        }

        var lettersAndSymbols = last.Sum(m => m.Count(c => char.IsLetter(c) || char.IsSurrogate(c) || c > 0x2000));
        var symbols = last.Sum(m => m.Count(c => char.IsSurrogate(c) || (c > 0x2000 && !char.IsLetter(c))));
        if (lettersAndSymbols > 0 && symbols * 2 > lettersAndSymbols)
        {
            return Label("emoji");
        }

        if (last.Count(m => Farewells.Any(f => m.Contains(f, StringComparison.OrdinalIgnoreCase))) >= 3)
        {
            return Label("goodbye") ?? Label("circular");
        }

        if (last.Count(m => Words(m).Count(w => Spiritual.Contains(w, StringComparer.Ordinal)) >= 3) >= 2)
        {
            return Label("bliss") ?? Label("spiritual");
        }

        return last[^1].TrimEnd().EndsWith("[END]", StringComparison.Ordinal) ? Label("clean") : Label("no");
    }

    // The JSON types a schema allows: "integer", or ["integer", "null"].
    private static string[] Types(JsonElement schema) => !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)]
        : type.ValueKind == JsonValueKind.String ? [type.GetString()!] : [];

    // The goodbye loop Crosstalk's own analysis finds in the numbered conversation: what offline:judge answers for a span.
    private static GoodbyeLoop? Loop(IReadOnlyList<TranscriptMessage> messages)
    {
        var transcript = new Transcript();
        foreach (var seat in messages.Select(m => m.Seat).Where(s => s > 0).Distinct().Order())
        {
            transcript.Participants.Add(new Participant(seat, messages.First(m => m.Seat == seat).Speaker, null, null));
        }

        foreach (var message in messages)
        {
            transcript.Messages.Add(message);
        }

        return TranscriptAnalyzer.Analyze(transcript).GoodbyeLoop;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(rune.ToString().ToLowerInvariant());
                continue;
            }

            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }

            if (rune.Value > 0x2000 && !Rune.IsWhiteSpace(rune) && !Rune.IsPunctuation(rune))
            {
                words.Add(rune.ToString());
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
