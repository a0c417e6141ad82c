using System.Globalization;
using System.Text;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// The pair of files a conversation is saved to (<c>{A}_vs_{B}_{yyyyMMdd_HHmmss}.md</c> and <c>.json</c>),
/// rewritten atomically after every message so a crash loses at most the message in flight.
/// </summary>
internal sealed class TranscriptFiles
{
    private TranscriptFiles(string markdownPath, string jsonPath)
    {
        MarkdownPath = markdownPath;
        JsonPath = jsonPath;
    }

    public string MarkdownPath { get; }

    public string JsonPath { get; }

    public static TranscriptFiles Choose(string directory, string nameA, string nameB, DateTimeOffset started)
    {
        Directory.CreateDirectory(directory);
        var stem = $"{SafeName(nameA)}_vs_{SafeName(nameB)}_{started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        var candidate = stem;
        for (var n = 2; File.Exists(Path.Combine(directory, candidate + ".md")) || File.Exists(Path.Combine(directory, candidate + ".json")); n++)
        {
            candidate = $"{stem}_{n}";
        }

        return new TranscriptFiles(Path.Combine(directory, candidate + ".md"), Path.Combine(directory, candidate + ".json"));
    }

    public void Save(Transcript transcript)
    {
        SeedMarkdown.WriteFile(transcript, MarkdownPath);
        TranscriptJson.WriteFile(transcript, JsonPath);
    }

    /// <summary>A display name made safe for a file name on every common file system.</summary>
    public static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(invalid.Contains(c) || c is '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '-' : c);
        }

        var safe = builder.ToString().Trim().Trim('.');
        return safe.Length == 0 ? "model" : safe;
    }
}
