using System.Globalization;
using System.Text;

namespace Crosstalk.Transcripts.Formats;

/// <summary>File names of transcripts as the original system made them: <c>{A}_vs_{B}_{yyyyMMdd_HHmmss}</c>.</summary>
public static class FileNames
{
    /// <summary>A display name made safe for a file name on every common file system.</summary>
    public static string Safe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var invalid = Path.GetInvalidFileNameChars();
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(invalid.Contains(c) || c is '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '-' : c);
        }

        var safe = Fit(builder.ToString().Trim().Trim('.'), MaxNameBytes);
        return safe.Length == 0 ? "model" : safe;
    }

    /// <summary>The participants' names for a file name, <c>{A}_vs_{B}_vs_…</c>, cut to fit beside a time and a counter.</summary>
    public static string Participants(IEnumerable<string> names) => Fit(string.Join("_vs_", names.Select(Safe)), 3 * MaxNameBytes);

    // A name's share of a file name, in UTF-8 bytes: two of them with a time, a run number and a counter stay well under
    // the 255 bytes file systems allow (200 CJK characters, 600 bytes, made a run that could never be written).
    private const int MaxNameBytes = 64;

    private static string Fit(string text, int bytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= bytes)
        {
            return text;
        }

        var builder = new StringBuilder();
        var used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > bytes)
            {
                break;
            }

            builder.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }

        return builder.ToString();
    }

    /// <summary><c>{A}_vs_{B}_{yyyyMMdd_HHmmss}</c> for two display names and a start time.</summary>
    public static string Stem(string nameA, string nameB, DateTimeOffset started) =>
        $"{Safe(nameA)}_vs_{Safe(nameB)}_{started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// A stem in <paramref name="directory"/> that no <c>.md</c> or <c>.json</c> file uses yet, and that
    /// <paramref name="taken"/> (stems already planned) does not hold: <paramref name="stem"/>, else <c>{stem}_2</c>, …
    /// </summary>
    public static string Unused(string directory, string stem, ISet<string>? taken = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(stem);
        var candidate = stem;
        for (var n = 2; taken?.Contains(candidate) == true
            || File.Exists(Path.Combine(directory, candidate + ".md")) || File.Exists(Path.Combine(directory, candidate + ".json")); n++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{stem}_{n}");
        }

        taken?.Add(candidate);
        return candidate;
    }
}
