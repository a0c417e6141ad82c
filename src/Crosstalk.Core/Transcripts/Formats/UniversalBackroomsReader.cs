using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Reads UniversalBackrooms logs: <c>.txt</c> files of blocks that each start with a line
/// <c>### {Speaker} {n} ###</c> (with optional <c>### Round i/n</c> lines between rounds), optionally enriched
/// from the metadata JSONL the tool writes beside them (<c>models</c>, <c>template</c>, <c>max_turns</c>,
/// <c>start</c>, <c>end</c>, <c>exit_reason</c>, <c>log_file</c>).
/// </summary>
/// <remarks>
/// A seat is a distinct speaker heading (name and number), numbered in order of first appearance, so two
/// instances of one model ("Hermes 405B 1", "Hermes 405B 2") sit on two seats under the same name.
/// </remarks>
public static partial class UniversalBackroomsReader
{
    /// <summary>Whether <paramref name="text"/> looks like a UniversalBackrooms log (a speaker heading within its first lines).</summary>
    public static bool IsLog(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (Heading().IsMatch(line.TrimEnd()))
            {
                return true;
            }

            if (++lines > 20)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>Reads one log.</summary>
    /// <param name="text">The log's text.</param>
    /// <param name="path">The file, for error messages and the <c>source</c> metadata.</param>
    /// <param name="metadata">The run's metadata line, if known.</param>
    /// <exception cref="TranscriptFormatException">The text has no speaker heading.</exception>
    public static Transcript Read(string text, string? path = null, UniversalBackroomsMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var participants = new List<Participant>();
        var seats = new Dictionary<string, int>(StringComparer.Ordinal);
        var messages = new List<TranscriptMessage>();
        var body = new StringBuilder();
        int? seat = null;
        string? speaker = null;
        var lineNumber = 0;

        void Flush()
        {
            if (seat is { } s && speaker is not null)
            {
                messages.Add(new TranscriptMessage { Seat = s, Speaker = speaker, Content = body.ToString().Trim('\r', '\n') });
            }

            body.Clear();
        }

        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var heading = Heading().Match(line);
            if (heading.Success)
            {
                Flush();
                speaker = heading.Groups["name"].Value;
                var key = speaker + "\u0001" + heading.Groups["n"].Value;
                if (!seats.TryGetValue(key, out var number))
                {
                    number = participants.Count + 1;
                    seats[key] = number;
                    var model = metadata?.Models is { } models && number <= models.Count ? models[number - 1] : null;
                    participants.Add(new Participant(number, speaker, model));
                }

                seat = number;
                continue;
            }

            if (Round().IsMatch(line))
            {
                continue;
            }

            if (seat is null)
            {
                if (line.Trim().Length > 0)
                {
                    throw new TranscriptFormatException(path, lineNumber, "expected a speaker heading '### {Speaker} {n} ###' before any text");
                }

                continue;
            }

            body.Append(line).Append('\n');
        }

        Flush();
        if (participants.Count == 0)
        {
            throw new TranscriptFormatException(path, null, "no speaker heading '### {Speaker} {n} ###' was found; this is not a UniversalBackrooms log");
        }

        var transcript = new Transcript
        {
            Title = Transcript.TitleFor(participants),
            Participants = participants,
            Messages = messages,
            Started = metadata?.Start,
            Ended = metadata?.End,
            Stop = metadata?.ExitReason is { } reason ? new StopInfo(StopReasonFor(reason), Detail: "UniversalBackrooms exit_reason: " + reason) : null,
        };
        transcript.Metadata["format"] = "universal-backrooms";
        if (path is not null)
        {
            transcript.Metadata[TranscriptMetadataKeys.Source] = path;
        }

        if (metadata is not null)
        {
            if (metadata.Template is { } template)
            {
                transcript.Metadata["template"] = template;
            }

            if (metadata.MaxTurns is { } maxTurns)
            {
                transcript.Metadata["max_turns"] = maxTurns.ToString(CultureInfo.InvariantCulture);
            }

            if (metadata.ExitReason is { } exit)
            {
                transcript.Metadata["exit_reason"] = exit;
            }
        }

        return transcript;
    }

    /// <summary>Reads one log file, enriched from <paramref name="metadata"/> when given.</summary>
    /// <exception cref="TranscriptFormatException">The file is missing or not a log.</exception>
    public static Transcript ReadFile(string path, UniversalBackroomsMetadata? metadata = null) =>
        Read(AtomicFile.ReadAllText(path), path, metadata);

    /// <summary>
    /// Reads every <c>.txt</c> log under <paramref name="directory"/> (recursively, in ordinal path order), one at
    /// a time, enriched from every <c>*.jsonl</c> metadata file found there (matched by <c>log_file</c>'s file name).
    /// Files that are not logs are skipped.
    /// </summary>
    public static IEnumerable<Transcript> ReadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new TranscriptFormatException(directory, null, "the directory does not exist");
        }

        return ReadDirectoryIterator(directory);
    }

    private static IEnumerable<Transcript> ReadDirectoryIterator(string directory)
    {
        var metadata = new Dictionary<string, UniversalBackroomsMetadata>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (var (name, entry) in ReadMetadata(file))
            {
                metadata[name] = entry;
            }
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = AtomicFile.ReadAllText(file);
            if (!IsLog(text))
            {
                continue;
            }

            metadata.TryGetValue(Path.GetFileName(file), out var entry);
            yield return Read(text, file, entry);
        }
    }

    /// <summary>Reads a metadata JSONL file into entries keyed by the file name of their <c>log_file</c>.</summary>
    /// <exception cref="TranscriptFormatException">A line is not a JSON object.</exception>
    public static IReadOnlyDictionary<string, UniversalBackroomsMetadata> ReadMetadata(string path)
    {
        var entries = new Dictionary<string, UniversalBackroomsMetadata>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            UniversalBackroomsMetadata entry;
            try
            {
                entry = UniversalBackroomsMetadata.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new TranscriptFormatException(path, lineNumber, "the metadata line is not a JSON object", ex);
            }

            if (entry.LogFile is { Length: > 0 } logFile)
            {
                entries[Path.GetFileName(logFile.Replace('\\', '/'))] = entry;
            }
        }

        return entries;
    }

    private static string StopReasonFor(string exitReason) => exitReason switch
    {
        "max_turns" => StopReasons.MaxMessages,
        "early_stop" => StopReasons.EndToken,
        "error" or "exception" => StopReasons.Error,
        "interrupted" or "keyboard_interrupt" => StopReasons.Interrupted,
        _ => exitReason,
    };

    [GeneratedRegex(@"^### (?<name>.+?) (?<n>\d+) ###\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^### Round \d+(?:/\d+)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Round();
}
