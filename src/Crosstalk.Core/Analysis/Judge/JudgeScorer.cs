using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Analysis.Judge;

/// <summary>
/// Asks a judge model (any <see cref="IChatClient"/> of the catalog) a rubric's question about a transcript or each
/// of its messages, asks for a JSON answer, checks it against the rubric's schema, and caches it: a key is the
/// SHA-256 of rubric, version, schema, model and the exact prompt, so a re-run makes no call at all.
/// </summary>
public sealed class JudgeScorer
{
    private readonly IChatClient _client;
    private readonly string _model;
    private readonly IJudgeCache _cache;
    private readonly int _contextMessages;

    /// <summary>Creates a scorer.</summary>
    /// <param name="client">The judge model's client.</param>
    /// <param name="model">The judge model's catalog id (part of the cache key).</param>
    /// <param name="cache">Where answers are kept.</param>
    /// <param name="contextMessages">For message rubrics, how many earlier messages the judge sees. Default 6.</param>
    public JudgeScorer(IChatClient client, string model, IJudgeCache cache, int contextMessages = 6)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfNegative(contextMessages);
        _client = client;
        _model = model;
        _cache = cache;
        _contextMessages = contextMessages;
    }

    /// <summary>
    /// Scores <paramref name="transcript"/> with <paramref name="rubric"/>: one result for a transcript rubric, one per
    /// non-blank message for a message rubric. A reply that is not valid JSON for the schema gives a result with an
    /// <see cref="JudgeResult.Error"/> and is not cached.
    /// </summary>
    public async Task<IReadOnlyList<JudgeResult>> ScoreAsync(Transcript transcript, JudgeRubric rubric, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(rubric);
        rubric.Validate();

        var results = new List<JudgeResult>();
        if (rubric.Scope == JudgeScope.Transcript)
        {
            results.Add(await JudgeAsync(rubric, transcript, Render(rubric, transcript, null), null, cancellationToken).ConfigureAwait(false));
            return results;
        }

        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(transcript.Messages[i].Content))
            {
                continue;
            }

            results.Add(await JudgeAsync(rubric, transcript, Render(rubric, transcript, i), i + 1, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Keeps <paramref name="results"/> with the conversation: in <see cref="Transcript.Metadata"/> under
    /// <c>judge.{rubric}.{model}</c>, as a JSON array (until the store has a table for them).
    /// </summary>
    public static void Attach(Transcript transcript, IReadOnlyList<JudgeResult> results)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(results);
        foreach (var group in results.GroupBy(r => (r.Rubric, r.Model)))
        {
            transcript.Metadata[MetadataKey(group.Key.Rubric, group.Key.Model)] =
                JsonSerializer.Serialize(group.ToList(), JudgeJsonContext.Default.ListJudgeResult);
        }
    }

    /// <summary>The metadata key a judge's results of a rubric are kept under (<see cref="Attach"/>): <c>judge.{rubric}.{model}</c>.</summary>
    public static string MetadataKey(string rubricId, string model) => MetadataPrefix + rubricId + "." + model;

    /// <summary>The rubric and model a <see cref="MetadataKey"/> names; false for a key that is not one.</summary>
    public static bool TryParseMetadataKey(string key, out string rubricId, out string model)
    {
        ArgumentNullException.ThrowIfNull(key);
        var dot = key.StartsWith(MetadataPrefix, StringComparison.Ordinal) ? key.IndexOf('.', MetadataPrefix.Length) : -1;
        (rubricId, model) = dot > 0 ? (key[MetadataPrefix.Length..dot], key[(dot + 1)..]) : (string.Empty, string.Empty);
        return dot > 0;
    }

    private const string MetadataPrefix = "judge.";

    /// <summary>
    /// Each judge's kept results of the rubric <paramref name="rubricId"/> in <paramref name="metadata"/>, in key order: the
    /// judge's model, and its results, or null where what is kept cannot be read as results (edited by hand).
    /// </summary>
    public static IEnumerable<(string Model, IReadOnlyList<JudgeResult>? Results)> Kept(IEnumerable<KeyValuePair<string, string>> metadata, string rubricId)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var prefix = MetadataKey(rubricId, string.Empty);
        foreach (var (key, json) in metadata.Where(m => m.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            List<JudgeResult>? results;
            try
            {
                results = JsonSerializer.Deserialize(json, JudgeJsonContext.Default.ListJudgeResult);
            }
            catch (JsonException)
            {
                results = null;
            }

            yield return (key[prefix.Length..], results);
        }
    }

    /// <summary>The cache key of a prompt for a rubric and model: lower-case hex SHA-256.</summary>
    internal static string KeyOf(JudgeRubric rubric, string model, string prompt)
    {
        var material = string.Join('\n', rubric.Id, rubric.Version.ToString(CultureInfo.InvariantCulture), rubric.AnswerSchema, model, prompt);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    private async Task<JudgeResult> JudgeAsync(JudgeRubric rubric, Transcript transcript, string prompt, int? message, CancellationToken cancellationToken)
    {
        var key = KeyOf(rubric, _model, prompt);
        if (await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached
            && JudgeAnswerParser.Parse(cached, rubric.AnswerSchema, out _) is { } kept
            && OutsideTheConversation(kept, transcript, rubric) is null)
        {
            // Checked as a fresh reply is: a cache file emptied or edited by hand is asked again, not taken as an answer.
            return new JudgeResult(rubric.Id, _model, message, ToElement(kept), Cached: true);
        }

        using var schema = JsonDocument.Parse(rubric.AnswerSchema);
        var options = new ChatOptions
        {
            Temperature = 0,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), rubric.Id.Replace('-', '_'), rubric.Description),
        };
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One call that fails (a conversation too long for the judge, a reply it could not read after its retries) is
            // that one judgement's failure, said with it: the others are judged, and a study's report is still written.
            return new JudgeResult(rubric.Id, _model, message, null, Cached: false, "the judge's call failed: " + ErrorText.OneLine(ex.Message));
        }

        var answer = JudgeAnswerParser.Parse(response.Text, rubric.AnswerSchema, out var error);
        error ??= answer is null ? null : OutsideTheConversation(answer, transcript, rubric);
        if (error is not null)
        {
            answer = null;
        }

        if (answer is null)
        {
            return new JudgeResult(rubric.Id, _model, message, null, Cached: false, error);
        }

        await _cache.SetAsync(key, answer, cancellationToken).ConfigureAwait(false);
        return new JudgeResult(rubric.Id, _model, message, ToElement(answer), Cached: false);
    }

    // A seat or message the answer names must exist: a judge that answers "seat 7" for two seats made something up. A
    // span rubric's (first, last) is of the conversation's messages, in order, and given whole or not at all.
    private static string? OutsideTheConversation(string answer, Transcript transcript, JudgeRubric rubric)
    {
        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        if (Number(root, "seat") is { } s && (s < 1 || s > transcript.Participants.Count))
        {
            return string.Create(CultureInfo.InvariantCulture, $"the answer names seat {s}, but the conversation has seats 1 to {transcript.Participants.Count}");
        }

        string[] messageFields = rubric.AnswersASpan ? ["message", "first", "last"] : ["message"];
        foreach (var field in messageFields)
        {
            if (Number(root, field) is { } m && (m < 1 || m > transcript.Messages.Count))
            {
                return string.Create(CultureInfo.InvariantCulture, $"the answer names message {m}{(field == "message" ? "" : " as its " + field)}, but the conversation has messages 1 to {transcript.Messages.Count}");
            }
        }

        if (!rubric.AnswersASpan)
        {
            return null;
        }

        if (root.TryGetProperty("first", out var first) && root.TryGetProperty("last", out var last)
            && (first.ValueKind == JsonValueKind.Null) != (last.ValueKind == JsonValueKind.Null))
        {
            return "the answer gives one end of a span (first or last) without the other";
        }

        return Number(root, "first") is { } from && Number(root, "last") is { } to && from > to
            ? string.Create(CultureInfo.InvariantCulture, $"the answer's span begins at message {from}, after its end ({to})")
            : null;
    }

    private static long? Number(JsonElement root, string field) =>
        root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private string Render(JudgeRubric rubric, Transcript transcript, int? index)
    {
        var participants = new StringBuilder();
        foreach (var participant in transcript.Participants)
        {
            participants.Append(CultureInfo.InvariantCulture, $"Seat {participant.Seat}: {participant.Name}");
            if (participant.Model is { } model)
            {
                participants.Append(CultureInfo.InvariantCulture, $" ({model})");
            }

            if (!string.IsNullOrWhiteSpace(participant.SystemPrompt))
            {
                participants.Append(CultureInfo.InvariantCulture, $"; system prompt: {participant.SystemPrompt.Trim()}");
            }

            participants.Append('\n');
        }

        var values = new Dictionary<string, Func<string>>(StringComparer.Ordinal)
        {
            ["participants"] = () => participants.ToString().TrimEnd(),
            ["transcript"] = () => NumberedConversation.Write(transcript, 0, transcript.Messages.Count),
        };
        if (index is { } i)
        {
            var message = transcript.Messages[i];
            values["context"] = () => i == 0 ? "(none)" : NumberedConversation.Write(transcript, Math.Max(0, i - _contextMessages), i);
            values["index"] = () => (i + 1).ToString(CultureInfo.InvariantCulture);
            values["speaker"] = () => message.Speaker;
            values["seat"] = () => message.Seat.ToString(CultureInfo.InvariantCulture);
            values["message"] = () => message.Content;
        }

        return Fill(rubric.PromptTemplate, values);
    }

    /// <summary>
    /// The template with each known <c>{{name}}</c> replaced by its value, in one pass over the template: what a value
    /// brings in is never read for placeholders (a message that writes "{{message}}", or a system prompt that writes
    /// "{{transcript}}", is quoted as it is, not expanded into the prompt again).
    /// </summary>
    internal static string Fill(string template, IReadOnlyDictionary<string, Func<string>> values)
    {
        var text = new StringBuilder(template.Length);
        var at = 0;
        int open;
        while ((open = template.IndexOf("{{", at, StringComparison.Ordinal)) >= 0)
        {
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            if (values.TryGetValue(template[(open + 2)..close], out var value))
            {
                text.Append(template, at, open - at).Append(value());
                at = close + 2;
            }
            else
            {
                // Not a placeholder here ("{{{message}}}" holds one a brace later): one character on.
                text.Append(template, at, open + 1 - at);
                at = open + 1;
            }
        }

        return text.Append(template, at, template.Length - at).ToString();
    }

    private static JsonElement ToElement(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
