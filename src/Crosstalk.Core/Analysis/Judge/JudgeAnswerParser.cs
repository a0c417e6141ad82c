using System.Globalization;
using System.Text.Json;

namespace Crosstalk.Analysis.Judge;

/// <summary>
/// Finds the JSON answer in a judge's reply — bare, in a code fence, or surrounded by prose — and checks it
/// against the rubric's schema subset.
/// </summary>
internal static class JudgeAnswerParser
{
    /// <summary>
    /// Returns the answer object as compact JSON, or null with <paramref name="error"/> set. Every JSON object of the reply
    /// is read (the outermost ones; not those inside an object already read), and those that answer the rubric must agree:
    /// a judge that quotes the conversation may quote a judged model's own "answer" (<c>{"score": 10}</c> in a message
    /// is a prompt injection), so a reply holding two different answers is no answer, whichever comes first. An object
    /// that gives a key twice is not read (which of the two would count differs from reader to reader).
    /// </summary>
    public static string? Parse(string reply, string schemaJson, out string? error)
    {
        using var schema = JsonDocument.Parse(schemaJson);
        string? answer = null;
        string? firstProblem = null;
        var readTo = -1;
        foreach (var (start, length) in Candidates(reply))
        {
            if (start < readTo)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(reply.AsMemory(start, length), Options);
            }
            catch (JsonException ex)
            {
                firstProblem ??= ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? "the answer gives a field twice" : null;
                continue;
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                readTo = start + length;
                if (Check(document.RootElement, schema.RootElement) is { } problem)
                {
                    firstProblem ??= problem;
                    continue;
                }

                var compact = JsonSerializer.Serialize(document.RootElement, JudgeJsonContext.Default.JsonElement);
                if (answer is not null && answer != compact)
                {
                    error = "the judge's reply holds two different answers (one may be quoted from the conversation)";
                    return null;
                }

                answer = compact;
            }
        }

        error = answer is null ? firstProblem ?? "the judge's reply held no JSON object" : null;
        return answer;
    }

    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false };

    // Balanced {...} spans (start, length), outermost first, skipping braces inside strings. The reply is model output:
    // the scan stops after ten million characters and four readings of it (a reply of 200,000 '{', each start read to the
    // end, was quadratic), which no answer a judge means to give comes near.
    private static IEnumerable<(int Start, int Length)> Candidates(string reply)
    {
        var budget = 4L * reply.Length + 10_000_000;
        for (var start = reply.IndexOf('{', StringComparison.Ordinal); start >= 0; start = reply.IndexOf('{', start + 1))
        {
            var depth = 0;
            var inString = false;
            for (var i = start; i < reply.Length; i++)
            {
                if (--budget < 0)
                {
                    yield break;
                }

                var c = reply[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
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
                else if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && --depth == 0)
                {
                    yield return (start, i + 1 - start);
                    break;
                }
            }
        }
    }

    private static string? Check(JsonElement answer, JsonElement schema)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!answer.TryGetProperty(name.GetString()!, out _))
                {
                    return $"the answer lacks '{name.GetString()}'";
                }
            }
        }

        if (!schema.TryGetProperty("properties", out var properties))
        {
            return null;
        }

        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
        {
            foreach (var field in answer.EnumerateObject())
            {
                if (!properties.TryGetProperty(field.Name, out _))
                {
                    return $"the answer has '{field.Name}', which the rubric does not ask for";
                }
            }
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (answer.TryGetProperty(property.Name, out var value) && CheckValue(value, property.Value) is { } problem)
            {
                return $"'{property.Name}' {problem}";
            }
        }

        return null;
    }

    private static string? CheckValue(JsonElement value, JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
            if (!types.Any(t => Matches(value, t)))
            {
                return "is not " + string.Join(" or ", types);
            }
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            var number = value.GetDouble();
            if (schema.TryGetProperty("minimum", out var min) && number < min.GetDouble())
            {
                return "is below " + min.GetDouble().ToString(CultureInfo.InvariantCulture);
            }

            if (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble())
            {
                return "is above " + max.GetDouble().ToString(CultureInfo.InvariantCulture);
            }
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.GetRawText() == value.GetRawText()))
        {
            return "is not one of the allowed values";
        }

        return null;
    }

    private static bool Matches(JsonElement value, string? type) => type switch
    {
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => true,
    };
}
