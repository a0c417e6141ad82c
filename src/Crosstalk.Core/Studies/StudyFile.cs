using System.Reflection;
using Crosstalk.Experiments;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Crosstalk.Studies;

/// <summary>
/// Reads a study file: an experiment file (docs/experiments.md) with the study's own keys beside the experiment's —
/// <c>study</c>, <c>title</c>, <c>description</c>, <c>measure</c> (attractors, words or judge), <c>words</c>,
/// <c>judge: { rubric, models }</c> and <c>tables</c>, the table layout (docs/studies.md). Every problem is one sentence naming the file, line and column.
/// </summary>
public static class StudyFile
{
    /// <summary>The preset prefix of <see cref="StudyDefinition.Source"/>.</summary>
    public const string PresetPrefix = "preset:";

    private static readonly string[] StudyKeys = ["study", "title", "description", "measure", "words", "judge", "tables"];

    /// <summary>The built-in studies, by name.</summary>
    public static IReadOnlyList<string> Presets { get; } = ["attractors", "self-interaction", "topics-and-endings"];

    /// <summary>The built-in study <paramref name="name"/>, or null.</summary>
    public static StudyDefinition? Preset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Presets.Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        return Parse(PresetText(name), PresetPrefix + name);
    }

    /// <summary>The YAML of the built-in study <paramref name="name"/>, as <c>study show</c> prints it.</summary>
    public static string PresetText(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Crosstalk.Studies.Presets.{name}.yaml")
            ?? throw new ArgumentException($"There is no built-in study '{name}'.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads the study in <paramref name="path"/>.</summary>
    /// <exception cref="ExperimentFileException">The file cannot be read or is not a study.</exception>
    public static StudyDefinition Load(string path) => Parse(ExperimentFile.ReadText(path, "give a study file (.yaml)"), path);

    /// <summary>Reads a study from text; <paramref name="source"/> names it in messages (a path, or <c>preset:NAME</c>).</summary>
    /// <exception cref="ExperimentFileException">The text is not a study.</exception>
    public static StudyDefinition Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        YamlStream stream;
        try
        {
            stream = YamlText.Load(text);
        }
        catch (YamlException ex)
        {
            throw new ExperimentFileException(source, (int)ex.Start.Line, (int)ex.Start.Column, $"not valid YAML ({ex.Message}).", ex);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ExperimentFileException(source, null, null, "is not a study: it must be one YAML mapping with 'study:' and an experiment's keys.");
        }

        var name = Scalar(root, "study", source) ?? throw new ExperimentFileException(source, 1, 1, "has no 'study:' name.");
        var measureText = Scalar(root, "measure", source) ?? "attractors";
        var measure = measureText switch
        {
            "attractors" => StudyMeasure.Attractors,
            "words" => StudyMeasure.Words,
            "judge" => StudyMeasure.Judge,
            _ => throw Error(source, Node(root, "measure")!, $"'measure' must be attractors, words or judge (was '{measureText}')."),
        };
        var words = List(root, "words", source);
        if (measure == StudyMeasure.Words && words.Count == 0)
        {
            throw Error(source, root, "a study that measures words needs 'words:', e.g. words: [consciousness, eternal, dance, \"🌀\"].");
        }

        string? rubric = null;
        IReadOnlyList<string> judges = [];
        if (Node(root, "judge") is { } judgeNode)
        {
            if (judgeNode is not YamlMappingNode judge)
            {
                throw Error(source, judgeNode, "'judge' must be a mapping: judge: { rubric: topics-and-endings, models: [offline:judge] }.");
            }

            rubric = Scalar(judge, "rubric", source);
            judges = List(judge, "models", source);
        }

        if (measure == StudyMeasure.Judge && rubric is null)
        {
            throw Error(source, root, "a judged study needs 'judge: { rubric: …, models: […] }'.");
        }

        if (measure == StudyMeasure.Judge && judges.Count == 0)
        {
            judges = ["offline:judge"];
        }

        // The rest is an experiment, read by the experiment reader (same messages, same lines); the study's own keys
        // are not unknown to it.
        var experiment = ExperimentFile.FromYaml(stream, source, StudyKeys);
        if (Node(root, "name") is null)
        {
            experiment = experiment with { Name = "study " + name };
        }

        return new StudyDefinition(
            name,
            Scalar(root, "title", source) ?? name,
            Scalar(root, "description", source) ?? string.Empty,
            experiment,
            measure,
            words,
            rubric,
            judges,
            source,
            List(root, "tables", source));
    }

    private static YamlNode? Node(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key, string source) => Node(map, key) switch
    {
        null => null,
        YamlScalarNode { Value: var value } => value,
        var other => throw Error(source, other, $"'{key}' must be a single value."),
    };

    private static List<string> List(YamlMappingNode map, string key, string source) => Node(map, key) switch
    {
        null => [],
        YamlSequenceNode sequence => [.. sequence.Children.Select(child => child is YamlScalarNode { Value: { Length: > 0 } value }
            ? value
            : throw Error(source, child, $"every item of '{key}' must be a single, non-empty value."))],
        var other => throw Error(source, other, $"'{key}' must be a list, e.g. {key}: [a, b]."),
    };

    private static ExperimentFileException Error(string source, YamlNode node, string message) =>
        new(source, (int)node.Start.Line, (int)node.Start.Column, message);
}
