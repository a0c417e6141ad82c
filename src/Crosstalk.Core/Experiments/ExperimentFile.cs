using System.Globalization;
using System.Text.Json;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Crosstalk.Experiments;

/// <summary>
/// Reads an experiment: our YAML format (see docs/experiments.md), or the original system's
/// <c>config.json</c> unchanged. Every problem is one sentence naming the file, line and column.
/// </summary>
public static class ExperimentFile
{
    private static readonly HashSet<string> TopLevelKeys =
    [
        "name", "models", "pairs", "orders", "opener", "openers", "system_prompt", "system_prompts", "repetitions",
        "stop", "temperature", "max_tokens", "seed", "concurrency", "cost_ceiling", "output_dir",
    ];

    private static readonly HashSet<string> StopKeys = ["max_messages", "end_token", "end_policy", "guards", "on", "time_limit", "token_budget", "cost_budget"];

    private static readonly HashSet<string> ModelKeys = ["model", "name", "system_prompt", "temperature", "max_tokens"];

    private static readonly HashSet<string> OriginalKeys =
    [
        "initial_message", "max_turns", "output_dir", "end_codeword", "conversations_per_pair", "system_prompt", "max_workers", "models",
    ];

    private static readonly HashSet<string> OriginalModelKeys = ["name", "model_id", "temperature", "max_tokens", "system_prompt"];

    /// <summary>Reads the experiment in <paramref name="path"/>.</summary>
    public static Experiment Load(string path) =>
        Parse(ReadText(path, "give an experiment file (.yaml) or the original system's config.json"), path);

    /// <summary>The text of a file the user named (an experiment, a study, a rubric), or one sentence saying why not.</summary>
    public static string ReadText(string path, string whatToGive)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new ExperimentFileException(path, null, null, $"is a folder; {whatToGive}.");
        }

        try
        {
            // A few KB: more than 16 MiB is not one (a device such as /dev/zero would otherwise be read until memory ran out).
            return AtomicFile.Decode(AtomicFile.ReadAtMost(path, 16 << 20) ?? throw new ExperimentFileException(path, null, null, $"is larger than 16 MiB, which no such file is; {whatToGive}."), path);
        }
        catch (TranscriptFormatException ex)
        {
            // Bytes that are not UTF-8 (a file saved as Latin-1, say) would otherwise be read as U+FFFD without a word.
            throw new ExperimentFileException(path, ex.Line, null, ex.Problem ?? ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExperimentFileException(path, null, null, $"cannot be read ({ex.Message})", ex);
        }
    }

    /// <summary>Reads an experiment from text; <paramref name="path"/> names it in messages.</summary>
    public static Experiment Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var experiment = text.TrimStart().StartsWith('{') ? ParseOriginal(text, path) : ParseYaml(text, path);
        if (experiment.OutputDirectory is { } output && output.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new ExperimentFileException(path, null, null, "'output_dir' holds a character no path can hold (a NUL).");
        }

        if (experiment.ConversationCount > Experiment.MaxConversations)
        {
            throw new ExperimentFileException(path, null, null, string.Create(
                CultureInfo.InvariantCulture,
                $"makes {experiment.ConversationCount:N0} conversations; one run holds at most {Experiment.MaxConversations:N0} (fewer repetitions, or split it into several experiments)."));
        }

        return experiment;
    }

    private static Experiment ParseOriginal(string text, string path)
    {
        JsonDocument document;
        try
        {
            document = StrictJson.Parse(text, StrictJson.Document with { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ExperimentFileException(path, (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, $"not valid JSON ({StrictJson.Reason(ex)}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var warnings = new List<string>();
            foreach (var property in root.EnumerateObject())
            {
                if (!OriginalKeys.Contains(property.Name))
                {
                    warnings.Add($"{path}: unknown key '{property.Name}' is ignored.");
                }
            }

            if (!root.TryGetProperty("models", out var modelsElement) || modelsElement.ValueKind != JsonValueKind.Array || modelsElement.GetArrayLength() == 0)
            {
                throw new ExperimentFileException(path, null, null, "needs a non-empty 'models' list.");
            }

            var models = new List<ExperimentModel>();
            var index = 0;
            foreach (var model in modelsElement.EnumerateArray())
            {
                index++;
                if (model.ValueKind != JsonValueKind.Object)
                {
                    throw new ExperimentFileException(path, null, null, $"models[{index}] must be an object with a 'model_id' (was {model.ValueKind.ToString().ToLowerInvariant()}).");
                }

                foreach (var property in model.EnumerateObject())
                {
                    if (!OriginalModelKeys.Contains(property.Name))
                    {
                        warnings.Add($"{path}: unknown key 'models[{index}].{property.Name}' is ignored.");
                    }
                }

                var modelId = GetString(model, "model_id", path) ?? throw new ExperimentFileException(path, null, null, $"models[{index}] needs a 'model_id' (an OpenRouter id such as 'x-ai/grok-4').");
                if (GetString(model, "name", path) is { } originalName && Transcripts.Formats.SeedMarkdown.NameProblem(originalName) is { } nameProblem)
                {
                    throw new ExperimentFileException(path, null, null, $"models[{index}].name: {nameProblem}.");
                }

                models.Add(new ExperimentModel(
                    modelId,
                    GetString(model, "name", path) ?? modelId,
                    GetString(model, "system_prompt", path),
                    (float?)OriginalNumber(model, "temperature", path, $"models[{index}].temperature", 0, 2),
                    OriginalWholeNumber(model, "max_tokens", path, $"models[{index}].max_tokens", 1)));
            }

            var maxTurns = OriginalWholeNumber(root, "max_turns", path, "max_turns", 1, maximum: 1_000_000) ?? 10;
            var endCodeword = GetString(root, "end_codeword", path);
            return new Experiment
            {
                Name = Path.GetFileNameWithoutExtension(path),
                Models = models,
                Pairs = PairMode.All,
                BothOrders = true,
                Openers = [GetString(root, "initial_message", path) ?? " "],
                SystemPrompts = [GetString(root, "system_prompt", path)],
                Repetitions = OriginalWholeNumber(root, "conversations_per_pair", path, "conversations_per_pair", 1) ?? 1,
                Stop = new StopSettings
                {
                    // max_turns counts the replies after the opener.
                    MaxMessages = maxTurns + 1,
                    EndToken = endCodeword ?? "[END]",
                    EndPolicy = endCodeword is null ? "off" : "any",
                },
                Concurrency = OriginalWholeNumber(root, "max_workers", path, "max_workers", 1) ?? 8,
                OutputDirectory = GetString(root, "output_dir", path) ?? "conversations",
                Source = path,
                Warnings = warnings,
            };
        }
    }

    // A number of the original config.json: absent or null is "not given"; anything else must be a number in range.
    private static int? OriginalWholeNumber(JsonElement element, string name, string path, string what, int minimum, int maximum = int.MaxValue)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new ExperimentFileException(path, null, null, $"'{what}' must be a whole number (was {value.GetRawText()}).");
        }

        return number >= minimum && number <= maximum
            ? number
            : throw new ExperimentFileException(path, null, null, number < minimum
                ? string.Create(CultureInfo.InvariantCulture, $"'{what}' must be at least {minimum} (was {number}).")
                : string.Create(CultureInfo.InvariantCulture, $"'{what}' must be at most {maximum:N0} (was {number:N0})."));
    }

    private static double? OriginalNumber(JsonElement element, string name, string path, string what, double minimum, double maximum)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is var number && (number < minimum || number > maximum))
        {
            throw new ExperimentFileException(
                path, null, null, string.Create(CultureInfo.InvariantCulture, $"'{what}' must be a number from {minimum} to {maximum} (was {value.GetRawText()})."));
        }

        return number;
    }

    private static string? GetString(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException ex)
        {
            // "\ud800" alone: half of a character, which no text holds.
            throw new ExperimentFileException(path, null, null, $"'{name}' holds an escape that is half of a character (a lone \\uD800–\\uDFFF).", ex);
        }
    }

    private static Experiment ParseYaml(string text, string path)
    {
        YamlStream stream;
        try
        {
            stream = YamlText.Load(text);
        }
        catch (YamlException ex)
        {
            throw new ExperimentFileException(path, ex.Start.Line, ex.Start.Column, FirstSentence(ex.Message), ex);
        }

        return FromYaml(stream, path, []);
    }

    /// <summary>
    /// The experiment in a parsed YAML file; <paramref name="otherKeys"/> are top-level keys another reader of the same
    /// file takes (a study's), so they are not warned about as unknown.
    /// </summary>
    internal static Experiment FromYaml(YamlStream stream, string path, IReadOnlyCollection<string> otherKeys)
    {
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ExperimentFileException(path, 1, 1, "an experiment file is a YAML mapping with at least 'models:' (see docs/experiments.md).");
        }

        if (stream.Documents.Count > 1)
        {
            // A second document ('---') would be ignored without a word: one experiment per file.
            var second = stream.Documents[1].RootNode.Start;
            throw new ExperimentFileException(path, second.Line, second.Column, $"the file holds {stream.Documents.Count} YAML documents (separated by '---'); an experiment is one.");
        }

        var reader = new Reader(path);
        var warnings = new List<string>();
        foreach (var key in root.Children.Keys)
        {
            var name = reader.Scalar(key, "key");
            if (!TopLevelKeys.Contains(name) && !otherKeys.Contains(name))
            {
                warnings.Add($"{path}:{key.Start.Line}:{key.Start.Column}: unknown key '{name}' is ignored.");
            }
        }

        var modelsNode = reader.Get(root, "models") ?? throw new ExperimentFileException(path, root.Start.Line, root.Start.Column, "needs 'models:', a list of at least one model.");
        if (modelsNode is not YamlSequenceNode modelSequence || modelSequence.Children.Count == 0)
        {
            throw reader.Error(modelsNode, "'models' must be a list of at least one model.");
        }

        var models = new List<ExperimentModel>();
        foreach (var node in modelSequence.Children)
        {
            models.Add(reader.Model(node, warnings));
        }

        var (pairMode, explicitPairs) = reader.Pairs(reader.Get(root, "pairs"), models);
        var orders = reader.OptionalScalar(root, "orders") ?? "both";
        if (orders is not ("both" or "one"))
        {
            throw reader.Error(reader.Get(root, "orders")!, "'orders' must be 'both' or 'one'.");
        }

        var openers = reader.StringList(root, "openers", "opener", allowNone: true) ?? [" "];
        var prompts = reader.StringList(root, "system_prompts", "system_prompt", allowNone: false) ?? [null];
        foreach (var prompt in prompts)
        {
            reader.CheckPlaceholders(reader.Get(root, "system_prompts") ?? reader.Get(root, "system_prompt")!, prompt, "system_prompts");
        }

        var modelNodes = reader.Get(root, "models") is YamlSequenceNode sequence ? sequence.Children : [];
        for (var i = 0; i < models.Count; i++)
        {
            reader.CheckPlaceholders(i < modelNodes.Count ? modelNodes[i] : root, models[i].SystemPrompt, $"the system_prompt of {models[i].Reference}");
        }

        var stop = reader.Stop(reader.Get(root, "stop"), warnings);
        return new Experiment
        {
            Name = reader.RunName(root) ?? Path.GetFileNameWithoutExtension(path),
            Models = models,
            Pairs = pairMode,
            ExplicitPairs = explicitPairs,
            BothOrders = orders == "both",
            Openers = openers,
            SystemPrompts = prompts,
            Repetitions = reader.Int(root, "repetitions", 1, min: 1),
            Stop = stop,
            Temperature = reader.Temperature(root),
            MaxTokens = reader.MaxTokens(root),
            Seed = reader.Int(root, "seed", 1, min: int.MinValue),
            Concurrency = reader.Int(root, "concurrency", 8, min: 1),
            CostCeiling = reader.OptionalDecimal(root, "cost_ceiling"),
            OutputDirectory = reader.OptionalScalar(root, "output_dir"),
            Source = path,
            Warnings = warnings,
        };
    }

    private static string FirstSentence(string message)
    {
        var text = message;
        var close = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith('(') && close > 0)
        {
            text = text[(close + 3)..];
        }

        return text.TrimEnd('.') + ".";
    }

    private sealed class Reader(string path)
    {
        public ExperimentFileException Error(YamlNode node, string problem) =>
            new(path, node.Start.Line, node.Start.Column, problem);

        public YamlNode? Get(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public string Scalar(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { } value } ? value : throw Error(node, $"{what} must be a single value.");

        public string? OptionalScalar(YamlMappingNode map, string key) =>
            Get(map, key) is { } node ? Scalar(node, $"'{key}'") : null;

        public int Int(YamlMappingNode map, string key, int fallback, int min) =>
            OptionalInt(map, key) is { } value
                ? value >= min ? value : throw Error(Get(map, key)!, $"'{key}' must be at least {min}.")
                : fallback;

        public int? OptionalInt(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            if (node is null)
            {
                return null;
            }

            var text = Scalar(node, $"'{key}'");
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
                : text.TrimStart('-', '+') is { Length: > 0 } digits && digits.All(char.IsAsciiDigit) && text.Length - digits.Length <= 1
                    ? throw Error(node, text.StartsWith('-')
                        ? string.Create(CultureInfo.InvariantCulture, $"'{key}' is too small: at least {int.MinValue:N0}.")
                        : string.Create(CultureInfo.InvariantCulture, $"'{key}' is too large: at most {int.MaxValue:N0}."))
                : throw Error(node, $"'{key}' must be a whole number.");
        }

        /// <summary>A system prompt whose <c>{word}</c> is no placeholder is refused where it was written.</summary>
        public void CheckPlaceholders(YamlNode node, string? template, string what)
        {
            if (Crosstalk.Conversations.SystemPrompts.PlaceholderProblem(template, what) is { } problem)
            {
                throw Error(node, problem);
            }
        }

        public long? OptionalLong(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            if (node is null)
            {
                return null;
            }

            return long.TryParse(Scalar(node, $"'{key}'"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw Error(node, $"'{key}' must be a positive whole number.");
        }

        // The experiment's name names its run in every list and page: one line of some text, of a length a line can show.
        public string? RunName(YamlMappingNode map) =>
            OptionalScalar(map, "name") is not { } name ? null
            : string.IsNullOrWhiteSpace(name) ? throw Error(Get(map, "name")!, "'name' is blank; leave it out to name the run after the file.")
            : name.Length > 200 || name.Any(char.IsControl) ? throw Error(Get(map, "name")!, "'name' must be one line of at most 200 characters.")
            : name;

        // The sampling settings every provider accepts: a temperature from 0 to 2 (Anthropic's top is 1, and it says so
        // itself), and at least one token.
        public float? Temperature(YamlMappingNode map) =>
            OptionalFloat(map, "temperature") is var value && value is { } given && !(given >= 0 && given <= 2) // NaN too
                ? throw Error(Get(map, "temperature")!, "'temperature' must be a number from 0 to 2.")
                : value;

        public int? MaxTokens(YamlMappingNode map) =>
            OptionalInt(map, "max_tokens") is var value && value is < 1
                ? throw Error(Get(map, "max_tokens")!, "'max_tokens' must be at least 1.")
                : value;

        public float? OptionalFloat(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            if (node is null)
            {
                return null;
            }

            return float.TryParse(Scalar(node, $"'{key}'"), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(node, $"'{key}' must be a number.");
        }

        public decimal? OptionalDecimal(YamlMappingNode map, string key)
        {
            var node = Get(map, key);
            if (node is null)
            {
                return null;
            }

            return decimal.TryParse(Scalar(node, $"'{key}'").TrimStart('$'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw Error(node, $"'{key}' must be a positive amount of US dollars, e.g. 2.50.");
        }

        public ExperimentModel Model(YamlNode node, List<string> warnings)
        {
            if (node is YamlScalarNode)
            {
                return new ExperimentModel(Scalar(node, "a model"));
            }

            if (node is not YamlMappingNode map)
            {
                throw Error(node, "each model is a name such as 'offline:eliza' or a mapping with 'model:' and optional 'name:', 'system_prompt:', 'temperature:', 'max_tokens:'.");
            }

            foreach (var key in map.Children.Keys)
            {
                var name = Scalar(key, "key");
                if (!ModelKeys.Contains(name))
                {
                    warnings.Add($"{path}:{key.Start.Line}:{key.Start.Column}: unknown model key '{name}' is ignored.");
                }
            }

            var reference = OptionalScalar(map, "model") ?? throw Error(node, "a model mapping needs 'model:' (e.g. model: offline:eliza).");
            var displayName = OptionalScalar(map, "name");
            if (displayName is not null && Transcripts.Formats.SeedMarkdown.NameProblem(displayName) is { } problem)
            {
                throw Error(map.Children[new YamlScalarNode("name")], $"'name' {displayName.ReplaceLineEndings(" ")}: {problem}.");
            }

            return new ExperimentModel(reference, displayName, OptionalScalar(map, "system_prompt"), Temperature(map), MaxTokens(map));
        }

        public (PairMode Mode, IReadOnlyList<(int, int)> Pairs) Pairs(YamlNode? node, List<ExperimentModel> models)
        {
            if (node is null)
            {
                return (PairMode.All, []);
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value switch
                {
                    "all" => (PairMode.All, []),
                    "self" => (PairMode.Self, []),
                    "all+self" => (PairMode.AllWithSelf, []),
                    _ => throw Error(node, "'pairs' must be 'all', 'self', 'all+self' or a list of pairs like [a, b]."),
                };
            }

            if (node is not YamlSequenceNode sequence)
            {
                throw Error(node, "'pairs' must be 'all', 'self', 'all+self' or a list of pairs like [a, b].");
            }

            var pairs = new List<(int, int)>();
            foreach (var item in sequence.Children)
            {
                if (item is not YamlSequenceNode { Children.Count: 2 } pair)
                {
                    throw Error(item, "each pair is a list of two models, e.g. [eliza, markov].");
                }

                pairs.Add((FindModel(pair.Children[0], models), FindModel(pair.Children[1], models)));
            }

            return (PairMode.Explicit, pairs);
        }

        private int FindModel(YamlNode node, List<ExperimentModel> models)
        {
            var name = Scalar(node, "a model in a pair");
            for (var i = 0; i < models.Count; i++)
            {
                if (string.Equals(models[i].DisplayName, name, StringComparison.Ordinal) || string.Equals(models[i].Reference, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            var known = models.Select(m => m.DisplayName is null || m.DisplayName == m.Reference ? $"'{m.Reference}'" : $"'{m.Reference}' or '{m.DisplayName}'");
            throw Error(node, $"'{name}' is not one of the models listed under 'models:'; a pair names each by its reference or its 'name:' ({string.Join(", ", known)}).");
        }

        public List<string?>? StringList(YamlMappingNode map, string pluralKey, string singularKey, bool allowNone)
        {
            var node = Get(map, pluralKey);
            if (node is null)
            {
                return Get(map, singularKey) is { } single ? [Value(single, allowNone)] : null;
            }

            if (node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
            {
                throw Error(node, $"'{pluralKey}' must be a list with at least one entry.");
            }

            return sequence.Children.Select(child => Value(child, allowNone)).ToList();
        }

        private string? Value(YamlNode node, bool allowNone)
        {
            var value = Scalar(node, "each entry");
            return allowNone && node is YamlScalarNode { Style: ScalarStyle.Plain } && value == "none" ? null : value;
        }

        public StopSettings Stop(YamlNode? node, List<string> warnings)
        {
            if (node is null)
            {
                return new StopSettings();
            }

            if (node is not YamlMappingNode map)
            {
                throw Error(node, "'stop' must be a mapping, e.g. stop: { max_messages: 97, end_policy: any }.");
            }

            foreach (var key in map.Children.Keys)
            {
                var name = Scalar(key, "key");
                if (!StopKeys.Contains(name))
                {
                    warnings.Add($"{path}:{key.Start.Line}:{key.Start.Column}: unknown stop key '{name}' is ignored.");
                }
            }

            var policy = OptionalScalar(map, "end_policy") ?? "any";
            if (!StopSettings.EndPolicies.Contains(policy))
            {
                throw Error(Get(map, "end_policy")!, "'end_policy' must be any, mutual or off.");
            }

            var guardsNode = Get(map, "guards") ?? Get(map, "on");
            var guards = new List<string>();
            if (guardsNode is not null)
            {
                var items = guardsNode is YamlSequenceNode seq ? seq.Children : [guardsNode];
                foreach (var item in items)
                {
                    foreach (var guard in Scalar(item, "a guard").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        guards.Add(StopSettings.KnownGuards.Contains(guard) ? guard : throw Error(item, $"unknown guard '{guard}'; known: {string.Join(", ", StopSettings.KnownGuards)}."));
                    }
                }
            }

            var endToken = OptionalScalar(map, "end_token");
            if (endToken is not null && string.IsNullOrWhiteSpace(endToken))
            {
                // An empty token would end every message, or be read as the default without a word.
                throw Error(Get(map, "end_token")!, "'end_token' must not be blank; to keep talking whatever the models say, set end_policy: off.");
            }

            TimeSpan? timeLimit = null;
            if (Get(map, "time_limit") is { } limitNode)
            {
                timeLimit = ParseDuration(Scalar(limitNode, "'time_limit'")) ?? throw Error(limitNode, "'time_limit': " + Durations.Expected + ".");
            }

            return new StopSettings
            {
                MaxMessages = Int(map, "max_messages", 100, min: 1),
                EndToken = endToken ?? "[END]",
                EndPolicy = policy,
                Guards = guards,
                TimeLimit = timeLimit,
                TokenBudget = OptionalLong(map, "token_budget"),
                CostBudget = OptionalDecimal(map, "cost_budget"),
            };
        }
    }

    /// <summary>Parses <c>90s</c>, <c>10m</c>, <c>2h</c> or <c>hh:mm:ss</c> (see <see cref="Durations"/>); null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text) => Durations.TryParse(text, out var duration) ? duration : null;
}
