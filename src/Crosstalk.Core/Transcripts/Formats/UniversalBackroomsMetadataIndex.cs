namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// The UniversalBackrooms metadata lines of a collection (its <c>*.jsonl</c> files), found for a log by its path: the line
/// whose <c>log_file</c> (relative to where the tool ran, "var/backrooms_logs/x.txt") shares the most trailing path parts
/// with the log, at least the file name. Two logs of one name in different folders each get their own; a collection moved
/// elsewhere still finds its lines by name. Lines are kept by file name, so finding one reads only the lines of that name.
/// </summary>
public sealed class UniversalBackroomsMetadataIndex
{
    private readonly Dictionary<string, Dictionary<string, UniversalBackroomsMetadata>> _byName = new(StringComparer.Ordinal);

    /// <summary>Adds the lines of one metadata file, keyed by their <c>log_file</c>; a later line for the same path wins.</summary>
    public void Add(IReadOnlyDictionary<string, UniversalBackroomsMetadata> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var (logFile, entry) in entries)
        {
            var name = logFile[(logFile.LastIndexOf('/') + 1)..];
            if (!_byName.TryGetValue(name, out var lines))
            {
                _byName[name] = lines = new Dictionary<string, UniversalBackroomsMetadata>(StringComparer.Ordinal);
            }

            lines[logFile] = entry;
        }
    }

    /// <summary>The line of the log at <paramref name="logPath"/>, or null when none names it.</summary>
    public UniversalBackroomsMetadata? Find(string logPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(logPath);
        var path = Path.GetFullPath(logPath).Replace('\\', '/');
        if (!_byName.TryGetValue(path[(path.LastIndexOf('/') + 1)..], out var lines))
        {
            return null;
        }

        UniversalBackroomsMetadata? best = null;
        var bestParts = 0;
        foreach (var (logFile, entry) in lines)
        {
            var parts = SharedTrailingParts(path, logFile);
            if (parts > bestParts)
            {
                (best, bestParts) = (entry, parts);
            }
        }

        return best;
    }

    private static int SharedTrailingParts(string a, string b)
    {
        var parts = 0;
        int i = a.Length, j = b.Length;
        while (i > 0 && j > 0)
        {
            var startA = a.LastIndexOf('/', i - 1) + 1;
            var startB = b.LastIndexOf('/', j - 1) + 1;
            if (!a.AsSpan(startA, i - startA).SequenceEqual(b.AsSpan(startB, j - startB)))
            {
                break;
            }

            parts++;
            (i, j) = (startA - 1, startB - 1);
        }

        return parts;
    }
}
