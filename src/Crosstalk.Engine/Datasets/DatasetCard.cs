using System.Globalization;
using System.Reflection;
using System.Text;
using Parquet.Schema;
using Parquet.Serialization;
using YamlDotNet.Serialization;

namespace Crosstalk.Engine.Datasets;

/// <summary>
/// What a dataset folder's <c>README.md</c> says: the Hugging Face hub's YAML front matter (configs, features, splits,
/// size category) and, below it, how the conversations were made — models and their ids, system prompts, openers, seeds,
/// stop policies, filters and Crosstalk's version — gathered from the rows as they are written.
/// </summary>
public sealed class DatasetCard
{
    private readonly SortedDictionary<(string Name, string Model), int> _models = [];
    private readonly SortedDictionary<string, int> _prompts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _openers = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _policies = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _stops = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> _experiments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _splits = new(StringComparer.Ordinal);
    private readonly int _splitSeed;
    private int _seeded;
    private int? _minSeed;
    private int? _maxSeed;

    /// <summary>A card for a dataset with these splits (each listed, even when no row falls into it).</summary>
    public DatasetCard(IEnumerable<string> splits, int splitSeed)
    {
        ArgumentNullException.ThrowIfNull(splits);
        _splitSeed = splitSeed;
        foreach (var split in splits)
        {
            _splits[split] = 0;
        }
    }

    /// <summary>The version of Crosstalk that writes the card and the files.</summary>
    public static string CrosstalkVersion { get; } =
        typeof(DatasetCard).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Rows counted.</summary>
    public int Rows { get; private set; }

    /// <summary>Counts a row written to a split.</summary>
    public void Add(DatasetRow row, string split)
    {
        ArgumentNullException.ThrowIfNull(row);
        Rows++;
        Count(_splits, split);
        foreach (var seat in row.Seats)
        {
            var key = (seat.Name, seat.Model ?? "unknown");
            _models[key] = _models.GetValueOrDefault(key) + 1;
            if (seat.SystemPrompt is { } prompt)
            {
                Count(_prompts, prompt);
            }
        }

        Count(_openers, row.Opener is null ? (row.StopPolicy is null ? "(not recorded)" : "(none: the first seat speaks from its system prompt)") : row.Opener.Trim().Length == 0 ? "(blank)" : row.Opener);
        Count(_policies, row.StopPolicy ?? "(not recorded)");
        Count(_stops, row.StopReason ?? "(unknown)");
        Count(_experiments, row.Experiment ?? (row.Source is null ? "(none)" : "(imported)"));
        if (row.Seed is { } seed)
        {
            _seeded++;
            _minSeed = Math.Min(_minSeed ?? seed, seed);
            _maxSeed = Math.Max(_maxSeed ?? seed, seed);
        }
    }

    /// <summary>The card's text.</summary>
    /// <param name="name">The dataset's name, shown as its title.</param>
    /// <param name="filters">The export's filters in words, one per line (empty for none).</param>
    public string Write(string name, IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(filters);
        var front = new Dictionary<string, object>
        {
            ["pretty_name"] = name,
            ["tags"] = new[] { "crosstalk", "synthetic", "multi-agent", "conversations", "llm-to-llm" },
            ["task_categories"] = new[] { "text-generation" },
            ["size_categories"] = new[] { SizeCategory(Rows) },
            ["configs"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["config_name"] = "default",
                    ["data_files"] = _splits.Keys.Select(s => new Dictionary<string, object> { ["split"] = s, ["path"] = $"data/{s}-*" }).ToList(),
                },
            },
            ["dataset_info"] = new Dictionary<string, object>
            {
                ["features"] = Features(typeof(DatasetRow).GetParquetSchema(forWriting: true).Fields),
                ["splits"] = _splits.Select(s => new Dictionary<string, object> { ["name"] = s.Key, ["num_examples"] = s.Value }).ToList(),
            },
        };
        var yaml = new SerializerBuilder().DisableAliases().Build().Serialize(front);

        var text = new StringBuilder();
        text.Append("---\n").Append(yaml.ReplaceLineEndings("\n")).Append("---\n\n");
        text.Append("# ").Append(name).Append("\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{Rows:N0} conversation(s) between language models, made and exported with Crosstalk {CrosstalkVersion}. ");
        text.Append("One row per conversation: every message with its speaker, seat, timing, tokens and cost, and the conversation's provenance ");
        text.Append("(run and conversation ids, models, sampling options, seed, opener, system prompts, stop policy and reason, analysis flags, judge labels).\n\n");
        text.Append("## How the conversations were made\n\n");
        text.Append("| Name | Model | Seats |\n|---|---|---:|\n");
        foreach (var ((modelName, model), count) in _models)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(modelName)} | `{Cell(model)}` | {count} |\n");
        }

        Section(text, "Experiments", _experiments);
        Section(text, "Openers", _openers);
        Section(text, "Stop policies", _policies);
        Section(text, "Stop reasons", _stops);
        text.Append("\n**Seeds:** ").Append(_seeded == 0
            ? "not recorded."
            : string.Create(CultureInfo.InvariantCulture, $"{_seeded:N0} conversation(s) with a recorded seed, from {_minSeed} to {_maxSeed} (column `seed`); offline agents repeat exactly under the same seed.")).Append('\n');
        text.Append("\n### System prompts\n\n");
        if (_prompts.Count == 0)
        {
            text.Append("None.\n");
        }

        foreach (var (prompt, count) in _prompts)
        {
            var fence = new string('`', Math.Max(3, LongestRun(prompt, '`') + 1));
            text.Append(CultureInfo.InvariantCulture, $"Used by {count} seat(s):\n\n{fence}text\n{prompt}\n{fence}\n\n");
        }

        text.Append("## Export\n\n");
        text.Append("Filters: ").Append(filters.Count == 0 ? "none" : string.Join("; ", filters)).Append(".\n\n");
        text.Append("Splits: ").Append(string.Join(", ", _splits.Select(s => string.Create(CultureInfo.InvariantCulture, $"`{s.Key}` {s.Value:N0}")))).Append(". ");
        text.Append(CultureInfo.InvariantCulture, $"A conversation's split depends only on its origin (run and conversation id) and the split seed ({_splitSeed}).\n\n");
        text.Append("The columns are described in Crosstalk's `docs/datasets.md`. Model output is reproduced as the models wrote it and has not been reviewed.\n");
        return text.ToString();
    }

    /// <summary>The hub's size category for a number of rows.</summary>
    public static string SizeCategory(int rows) => rows switch
    {
        < 1_000 => "n<1K",
        < 10_000 => "1K<n<10K",
        < 100_000 => "10K<n<100K",
        < 1_000_000 => "100K<n<1M",
        < 10_000_000 => "1M<n<10M",
        _ => "10M<n<100M",
    };

    // The hub's feature syntax: {name, dtype} for a value, {name, list: [...]} for a list of records, {name, struct: [...]}.
    private static List<Dictionary<string, object>> Features(IEnumerable<Field> fields) =>
        [.. fields.Select(field => Feature(field))];

    private static Dictionary<string, object> Feature(Field field) => field switch
    {
        DataField data => new Dictionary<string, object> { ["name"] = data.Name, ["dtype"] = Dtype(data) },
        ListField { Item: StructField item } => new Dictionary<string, object> { ["name"] = field.Name, ["list"] = Features(item.Fields) },
        ListField { Item: DataField item } => new Dictionary<string, object> { ["name"] = field.Name, ["sequence"] = Dtype(item) },
        StructField s => new Dictionary<string, object> { ["name"] = field.Name, ["struct"] = Features(s.Fields) },
        _ => throw new NotSupportedException($"The column {field.Name} has a kind the dataset card cannot describe."),
    };

    private static string Dtype(DataField field)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        return type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? "string"
            : type == typeof(bool) ? "bool"
            : type == typeof(int) ? "int32"
            : type == typeof(long) ? "int64"
            : type == typeof(float) ? "float32"
            : type == typeof(double) ? "float64"
            : type == typeof(decimal) ? "decimal128(38, 18)"
            : throw new NotSupportedException($"The column {field.Name} has a type the dataset card cannot describe ({type.Name}).");
    }

    private static void Section(StringBuilder text, string title, IEnumerable<KeyValuePair<string, int>> counts)
    {
        text.Append("\n**").Append(title).Append(":** ");
        text.Append(string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"`{c.Key.ReplaceLineEndings(" ").Replace('`', '\'')}` ({c.Value:N0})"))));
        text.Append('\n');
    }

    private static void Count(IDictionary<string, int> counts, string key) => counts[key] = (counts.TryGetValue(key, out var n) ? n : 0) + 1;

    private static string Cell(string text) =>
        text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
