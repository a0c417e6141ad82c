using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crosstalk.Analysis.Judge;

namespace Crosstalk.Engine.Exports;

/// <summary>Which conversations an export writes, beyond the runs and ids it was given.</summary>
public sealed record ExportFilter
{
    /// <summary>Only conversations that stopped for this reason (<c>end-token</c>, <c>max-messages</c>, …).</summary>
    public string? StopReason { get; init; }

    /// <summary>Only conversations with a participant whose name or model contains this text.</summary>
    public string? Model { get; init; }

    public int? MinMessages { get; init; }

    public int? MaxMessages { get; init; }

    /// <summary>Leave out conversations in which the analysis found a goodbye loop.</summary>
    public bool NoGoodbyeLoop { get; init; }

    /// <summary>Only conversations a judge labelled so (every filter must match).</summary>
    public IReadOnlyList<JudgeFilter> Judges { get; init; } = [];

    /// <summary>Leave out conversations that repeat one already exported.</summary>
    public DuplicateRemoval Duplicates { get; init; }
}

/// <summary>What counts as a repeated conversation.</summary>
public enum DuplicateRemoval
{
    /// <summary>Keep every conversation.</summary>
    None,

    /// <summary>The same messages, seat by seat, word for word.</summary>
    Exact,

    /// <summary>
    /// The same conversation up to a few words: word 3-gram shingles of the whole conversation with a Jaccard similarity of
    /// at least <see cref="ConversationExporter.NearDuplicateThreshold"/> (estimated from MinHash signatures); exact repeats too.
    /// </summary>
    Near,
}

/// <summary>
/// A judge label to export by: <c>RUBRIC.FIELD=VALUE</c> matches a conversation when any of that rubric's results (by any
/// judge model) answered <c>FIELD</c> with <c>VALUE</c> (text compared without case; numbers and true/false as written).
/// </summary>
public sealed record JudgeFilter(string Rubric, string Field, string Value)
{
    /// <summary>Reads <c>RUBRIC.FIELD=VALUE</c>.</summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static JudgeFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var dot = equals < 0 ? -1 : text.LastIndexOf('.', equals);
        if (equals < 0 || dot <= 0 || dot == equals - 1)
        {
            throw new FormatException($"'{text}' is not RUBRIC.FIELD=VALUE (for example topic-label.topic=philosophy)");
        }

        return new JudgeFilter(text[..dot], text[(dot + 1)..equals], text[(equals + 1)..]);
    }

    /// <summary>Whether the stored results of the rubric (a JSON array of judge results) hold the label.</summary>
    public bool Matches(IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        // Results that cannot be read hold no label.
        foreach (var (_, results) in JudgeScorer.Kept(metadata, Rubric))
        {
            foreach (var result in results ?? [])
            {
                if (result.Answer is { ValueKind: JsonValueKind.Object } answer && answer.TryGetProperty(Field, out var value)
                    && Text(value) is { } text && string.Equals(text, Value, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };
}

/// <summary>
/// Named parts of a dataset by share (<c>train=0.8,validation=0.1,test=0.1</c>). Each conversation's part depends only on
/// its origin (run and conversation id) and the seed, so it is the same in every export, whatever else is exported with it.
/// </summary>
public sealed record DatasetSplits(IReadOnlyList<(string Name, double Share)> Parts, int Seed)
{
    /// <summary>Everything in one part, <c>train</c>.</summary>
    public static DatasetSplits Single { get; } = new([("train", 1.0)], 0);

    /// <summary>Reads <c>NAME=SHARE,…</c>; the shares must add up to 1.</summary>
    /// <exception cref="FormatException">The text names no part, a name twice, a share outside 0..1, or shares that do not add up to 1.</exception>
    public static DatasetSplits Parse(string text, int seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<(string, double)>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? "" : item[..equals].Trim();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')
                || !double.TryParse(item[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || !(share > 0 && share <= 1))
            {
                throw new FormatException($"'{item}' is not NAME=SHARE with a lower-case name and a share above 0 and at most 1 (for example train=0.9)");
            }

            if (parts.Any(p => p.Item1 == name))
            {
                throw new FormatException($"the part '{name}' is named twice");
            }

            parts.Add((name, share));
        }

        if (parts.Count == 0)
        {
            throw new FormatException("no part is named (for example train=0.9,test=0.1)");
        }

        var sum = parts.Sum(p => p.Item2);
        if (Math.Abs(sum - 1) > 1e-9)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the shares add up to {sum:0.###}, not 1"));
        }

        return new DatasetSplits(parts, seed);
    }

    /// <summary>The part a conversation of this origin belongs to.</summary>
    public string PartOf(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Seed}\n{origin}")), hash);
        var point = (BitConverter.ToUInt64(hash) >> 11) * (1.0 / (1UL << 53));
        var cumulative = 0.0;
        foreach (var (name, share) in Parts)
        {
            cumulative += share;
            if (point < cumulative)
            {
                return name;
            }
        }

        return Parts[^1].Name;
    }
}
