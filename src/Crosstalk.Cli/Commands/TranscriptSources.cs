using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// Reads every transcript under a path, whatever its format: seed Markdown (with the original system's JSON beside
/// it read once), Crosstalk JSON and JSONL, and UniversalBackrooms logs with their metadata JSONL. Shared by
/// <c>import</c> and <c>analyze</c>; transcripts are read one file at a time, never all at once.
/// </summary>
internal static class TranscriptSources
{
    private static readonly HashSet<string> Extensions = new([".md", ".json", ".jsonl", ".txt"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the transcripts of <paramref name="files"/>; a file that is not a transcript is reported and skipped.</summary>
    public static IEnumerable<(string File, Transcript Transcript)> Read(List<string> files, Action<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(skipped);
        var backroomsMetadata = new Dictionary<string, UniversalBackroomsMetadata>(StringComparer.Ordinal);
        var transcriptFiles = new List<string>();
        foreach (var file in files)
        {
            if (IsBackroomsMetadata(file))
            {
                foreach (var (name, entry) in UniversalBackroomsReader.ReadMetadata(file))
                {
                    backroomsMetadata[name] = entry;
                }
            }
            else
            {
                transcriptFiles.Add(file);
            }
        }

        foreach (var file in transcriptFiles)
        {
            List<Transcript> transcripts;
            try
            {
                transcripts = ReadFile(file, backroomsMetadata).ToList();
            }
            catch (TranscriptFormatException ex)
            {
                skipped(ex.Message);
                continue;
            }

            foreach (var transcript in transcripts)
            {
                yield return (file, transcript);
            }
        }
    }

    private static IEnumerable<Transcript> ReadFile(string file, Dictionary<string, UniversalBackroomsMetadata> backroomsMetadata)
    {
        if (Path.GetExtension(file).Equals(".txt", StringComparison.OrdinalIgnoreCase))
        {
            var text = File.ReadAllText(file);
            if (UniversalBackroomsReader.IsLog(text) && !text.TrimStart('\uFEFF').TrimStart().StartsWith("# ", StringComparison.Ordinal))
            {
                return [UniversalBackroomsReader.Read(text, file, backroomsMetadata.GetValueOrDefault(Path.GetFileName(file)))];
            }
        }

        return TranscriptFile.ReadAll(file);
    }

    /// <summary>
    /// The transcript files under a path (or the file itself), in a stable order. JSON beside a same-named Markdown or <c>.txt</c> transcript
    /// (<c>x.md</c> + <c>x.json</c>, or the seeds' <c>x.txt</c> + <c>x.original.json</c>) is the same conversation:
    /// Crosstalk's JSON is kept (it holds usage, timing and the stop), the original system's JSON is left for its Markdown.
    /// </summary>
    internal static List<string> Collect(string root)
    {
        if (File.Exists(root))
        {
            return [root];
        }

        if (!Directory.Exists(root))
        {
            throw new UserException($"{root} does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var set = new HashSet<string>(files, StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file);
            if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
            {
                var stem = file[..^".json".Length];
                if (stem.EndsWith(".original", StringComparison.OrdinalIgnoreCase))
                {
                    stem = stem[..^".original".Length];
                }

                if ((set.Contains(stem + ".md") || set.Contains(stem + ".txt")) && !IsCrosstalkJson(file))
                {
                    continue;
                }
            }
            else if (extension is ".md" or ".txt" && set.Contains(Path.ChangeExtension(file, ".json")) && IsCrosstalkJson(Path.ChangeExtension(file, ".json")))
            {
                continue;
            }

            result.Add(file);
        }

        return result;
    }

    /// <summary>A UniversalBackrooms metadata file: JSONL whose first line has <c>log_file</c>.</summary>
    private static bool IsBackroomsMetadata(string path)
    {
        if (!Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var first = File.ReadLines(path).FirstOrDefault(line => !string.IsNullOrWhiteSpace(line));
        return first is not null && first.Contains("\"log_file\"", StringComparison.Ordinal);
    }

    private static bool IsCrosstalkJson(string path)
    {
        try
        {
            return TranscriptFile.Detect(path, File.ReadAllText(path)) == TranscriptFormat.Json;
        }
        catch (Exception ex) when (ex is IOException or TranscriptFormatException)
        {
            return false;
        }
    }
}
