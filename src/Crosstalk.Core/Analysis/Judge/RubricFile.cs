using System.Globalization;
using System.Text.Json;
using Crosstalk.Experiments;
using Crosstalk.Transcripts.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Crosstalk.Analysis.Judge;

/// <summary>
/// Reads a rubric a user wrote (docs/studies.md): its prompt, label sets and scales — from which the answer's schema is
/// made — and its controls, conversations with known labels the judges must get right.
/// <code>
/// id: tone
/// description: The conversation's overall tone.
/// scope: conversation            # or message
/// prompt: |
///   Conversation:
///   {{transcript}}
///   Label its tone, and rate how warm it is.
/// labels:
///   tone: [warm, neutral, hostile]
/// scale:
///   warmth: [1, 5]
/// controls:
///   - transcript: controls/warm.md
///     expect: { tone: warm }
/// </code>
/// </summary>
public static class RubricFile
{
    /// <summary>Reads the rubric in <paramref name="path"/>; a problem is one sentence naming the file and line.</summary>
    /// <exception cref="ExperimentFileException">The file is not a rubric.</exception>
    public static (JudgeRubric Rubric, IReadOnlyList<JudgeControl> Controls) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        YamlMappingNode root;
        try
        {
            var stream = YamlText.Load(ExperimentFile.ReadText(path, "give a rubric file (.yaml)"));
            root = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode map
                ? map
                : throw new ExperimentFileException(path, null, null, "is not a rubric: it must be one YAML mapping with id, prompt and labels or scale.");
        }
        catch (YamlException ex)
        {
            throw new ExperimentFileException(path, ex.Start.Line, ex.Start.Column, $"not valid YAML ({ex.Message}).", ex);
        }

        var id = Text(root, "id", path) ?? throw new ExperimentFileException(path, 1, 1, "has no 'id'.");
        if (string.IsNullOrWhiteSpace(id) || id.Length > 200 || id.Any(char.IsControl))
        {
            // The id names the rubric's cached answers and its columns: blank, it named nothing (and crashed the study).
            throw new ExperimentFileException(path, Node(root, "id")!.Start.Line, Node(root, "id")!.Start.Column, "'id' must be one line of 1 to 200 characters.");
        }

        var prompt = Text(root, "prompt", path) ?? throw new ExperimentFileException(path, 1, 1, "has no 'prompt'.");
        var scope = (Text(root, "scope", path) ?? "conversation") switch
        {
            "conversation" => JudgeScope.Transcript,
            "message" => JudgeScope.Message,
            var other => throw new ExperimentFileException(path, Node(root, "scope")!.Start.Line, Node(root, "scope")!.Start.Column, $"'scope' must be conversation or message (was '{other}')."),
        };
        if (!prompt.Contains(scope == JudgeScope.Transcript ? "{{transcript}}" : "{{message}}", StringComparison.Ordinal))
        {
            throw new ExperimentFileException(path, Node(root, "prompt")!.Start.Line, Node(root, "prompt")!.Start.Column,
                scope == JudgeScope.Transcript ? "the prompt must contain {{transcript}}, where the conversation goes." : "the prompt must contain {{message}}, where the message goes.");
        }

        using var schemaStream = new MemoryStream();
        using (var schema = new Utf8JsonWriter(schemaStream))
        {
            schema.WriteStartObject();
            schema.WriteString("type", "object");
            schema.WriteStartObject("properties");
            var required = new List<string>();
            if (Node(root, "labels") is YamlMappingNode labels)
            {
                foreach (var (key, value) in labels.Children)
                {
                    var field = Field(key, required, path);
                    var values = value is YamlSequenceNode list && list.Children.Count >= 2
                        ? list.Children.Select(c => Label(c, path)).ToList()
                        : throw new ExperimentFileException(path, value.Start.Line, value.Start.Column, $"labels.{field} must list at least two labels.");
                    if (values.Count > MostLabels)
                    {
                        throw new ExperimentFileException(path, value.Start.Line, value.Start.Column, string.Create(CultureInfo.InvariantCulture, $"labels.{field} lists {values.Count:N0} labels; a field takes at most {MostLabels} (a judge picks one, and a table shows each)."));
                    }

                    if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                    {
                        // Counted twice, a label's share came out twice in every table (a row of 200 %).
                        throw new ExperimentFileException(path, value.Start.Line, value.Start.Column, $"labels.{field} lists '{twice.Key}' twice.");
                    }

                    schema.WriteStartObject(field);
                    schema.WriteString("type", "string");
                    schema.WriteStartArray("enum");
                    values.ForEach(schema.WriteStringValue);
                    schema.WriteEndArray();
                    schema.WriteEndObject();
                    required.Add(field);
                }
            }

            if (Node(root, "scale") is YamlMappingNode scales)
            {
                foreach (var (key, value) in scales.Children)
                {
                    var field = Field(key, required, path);
                    if (value is not YamlSequenceNode { Children.Count: 2 } bounds
                        || !int.TryParse((bounds.Children[0] as YamlScalarNode)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
                        || !int.TryParse((bounds.Children[1] as YamlScalarNode)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max)
                        || min >= max)
                    {
                        throw new ExperimentFileException(path, value.Start.Line, value.Start.Column, $"scale.{field} must be [lowest, highest], two whole numbers, e.g. [1, 5].");
                    }

                    schema.WriteStartObject(field);
                    schema.WriteString("type", "integer");
                    schema.WriteNumber("minimum", min);
                    schema.WriteNumber("maximum", max);
                    schema.WriteEndObject();
                    required.Add(field);
                }
            }

            if (required.Count == 0)
            {
                throw new ExperimentFileException(path, 1, 1, "has neither 'labels' nor 'scale': the judge would have nothing to answer.");
            }

            schema.WriteStartObject("reason");
            schema.WriteString("type", "string");
            schema.WriteEndObject();
            schema.WriteEndObject();
            schema.WriteStartArray("required");
            required.Append("reason").ToList().ForEach(schema.WriteStringValue);
            schema.WriteEndArray();
            schema.WriteBoolean("additionalProperties", false);
            schema.WriteEndObject();
        }

        var rubric = new JudgeRubric(
            id,
            Text(root, "description", path) ?? id,
            scope,
            "Answer only with one JSON object matching the schema; no prose around it.\n\nParticipants:\n{{participants}}\n\n" + prompt,
            System.Text.Encoding.UTF8.GetString(schemaStream.ToArray()),
            int.TryParse(Text(root, "version", path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : 1);

        var controls = new List<JudgeControl>();
        if (Node(root, "controls") is YamlSequenceNode controlList)
        {
            foreach (var item in controlList.Children)
            {
                if (item is not YamlMappingNode control || Text(control, "transcript", path) is not { } file || Node(control, "expect") is not YamlMappingNode expect)
                {
                    throw new ExperimentFileException(path, item.Start.Line, item.Start.Column, "a control is { transcript: FILE, expect: { FIELD: LABEL } }.");
                }

                var full = Path.GetFullPath(file, Path.GetDirectoryName(Path.GetFullPath(path))!);
                Transcripts.Transcript transcript;
                try
                {
                    transcript = TranscriptFile.Read(full);
                }
                catch (Exception ex) when (ex is IOException or Transcripts.TranscriptFormatException or UnauthorizedAccessException)
                {
                    throw new ExperimentFileException(path, item.Start.Line, item.Start.Column, $"control {file} cannot be read ({ex.Message})", ex);
                }

                controls.Add(new JudgeControl(
                    file,
                    transcript,
                    expect.Children.ToDictionary(p => Name(p.Key, path), p => Name(p.Value, path), StringComparer.Ordinal)));
            }
        }

        // The schema is checked as the scorer will use it.
        using (JsonDocument.Parse(rubric.AnswerSchema))
        {
            rubric.Validate();
        }

        return (rubric, controls);
    }

    // A label is text, and not the word a control's expected value uses for "no answer" (StudyJudging.Known writes an
    // unanswered field as "null"): an unquoted null or ~ is YAML's "nothing", and became that word; a quoted 'null' read
    // back the same.
    private static string Label(YamlNode node, string path) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "Null" or "NULL" or "~" } =>
            throw new ExperimentFileException(path, node.Start.Line, node.Start.Column, "a label must be text; an unquoted null or ~ is YAML's 'nothing'."),
        YamlScalarNode { Value: "null" } =>
            throw new ExperimentFileException(path, node.Start.Line, node.Start.Column, "a label cannot be 'null': a control's expected value uses it for 'no answer'; name the label otherwise."),
        _ => Name(node, path),
    };

    /// <summary>The most labels a field may list.</summary>
    public const int MostLabels = 100;

    // A field of the answer: its name once, and not "reason", which every answer has (each clash loaded, and failed at the
    // first judge call with an error that blamed the judge).
    private static string Field(YamlNode key, List<string> fields, string path)
    {
        var field = Name(key, path);
        if (field == "reason" || fields.Contains(field, StringComparer.Ordinal))
        {
            throw new ExperimentFileException(
                path,
                key.Start.Line,
                key.Start.Column,
                field == "reason" ? "'reason' is a field of every answer already (the judge's reason); name this one otherwise." : $"'{field}' is both a label field and a scale; give them different names.");
        }

        return field;
    }

    // A field name, label or expected value: one non-empty word or phrase.
    private static string Name(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ExperimentFileException(path, node.Start.Line, node.Start.Column, "a field name, label or expected value must be a single, non-empty value.");

    private static YamlNode? Node(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Text(YamlMappingNode map, string key, string path) => Node(map, key) switch
    {
        null => null,
        YamlScalarNode scalar => scalar.Value,
        var other => throw new ExperimentFileException(path, other.Start.Line, other.Start.Column, $"'{key}' must be a single value."),
    };
}
