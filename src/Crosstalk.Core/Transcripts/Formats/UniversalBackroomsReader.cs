using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Reads UniversalBackrooms logs (scottviteri/UniversalBackrooms and its forks, e.g. samhains/UniversalBackrooms):
/// <c>.txt</c> files of blocks that each start with a line <c>### {Speaker} {n} ###</c> (or <c>### {Speaker} ###</c>),
/// optionally enriched from the metadata JSONL the tool writes beside them (<c>models</c>, <c>template</c>,
/// <c>max_turns</c>, <c>start</c>, <c>end</c>, <c>exit_reason</c>, <c>log_file</c>). The variants the forks write are read
/// as what they are:
/// <list type="bullet">
/// <item>a <c>### Backrooms Run ###</c> block (<c>Template:</c>, <c>Models:</c>, <c>Started:</c>) is the run's metadata;</item>
/// <item><c>### Round i/n</c> and <c>### Round i/inf</c> lines separate rounds (n is the turn cap);</item>
/// <item>agent blocks (<c>### Media Agent …###</c>, <c>### Discord …###</c>, <c>### SQL …###</c>) are no seat's words:
/// they are kept in the metadata (<c>agentBlocks</c>, JSON), never glued into a message;</item>
/// <item>the tool's closing lines (<c>Reached maximum number of turns (n). Conversation ended.</c>, <c>X has ended the
/// conversation with ^C^C.</c>, <c>Context budget limit reached …</c>) give the stop when no metadata does, marked as
/// inferred;</item>
/// <item>hand-inserted marker lines (<c>TRANSCRIPT:</c>, <c>LATEST_ROUND:</c>) are skipped;</item>
/// <item>what the tool printed between its run block and the first round (resolved template variables) is the run's
/// <c>preamble</c> in the metadata;</item>
/// <item>the first form (2024), where each message opens with a line <c>{Name} {n}:</c>, is read too.</item>
/// </list>
/// </summary>
/// <remarks>
/// A seat is a distinct speaker heading (name and number), numbered in order of first appearance, so two
/// instances of one model ("Hermes 405B 1", "Hermes 405B 2") sit on two seats under the same name. A seat's model is the
/// tool's short key (<c>gpt5</c>, <c>k2</c>) from the metadata, the run block or the log's file name (the tool names each
/// log after its models' keys), else the key the tool's model table gives its display name, so a model is one row in the
/// per-model tables whether its log came with metadata or not.
/// </remarks>
public static class UniversalBackroomsReader
{
    private const string RunBlock = "### Backrooms Run ###";

    // The display names of samhains/UniversalBackrooms' model_config.py (3118e97) and the keys each has named. "Claude" is
    // left out: it named every Claude model until 2025-09-25; since then "Claude Sonnet" names sonnet3 and sonnet4, and
    // "Claude Opus" opus3 and opus4, so those say which model spoke only with the metadata, the run block or the file name.
    private static readonly Dictionary<string, string[]> KeysByDisplayName = new(StringComparer.Ordinal)
    {
        ["GPT-5"] = ["gpt5"],
        ["Kimi K2"] = ["k2"],
        ["Hermes 405B"] = ["hermes"],
        ["Hermes 405B (Reasoning)"] = ["hermes_reasoning"],
        ["DeepSeek V3.1"] = ["v31"],
        ["Gemini 2.5-pro"] = ["25pro"],
        ["grok-4"] = ["grok4"],
        ["GPT-OSS"] = ["oss"],
        ["Claude Haiku"] = ["haiku3"],
        ["Claude Sonnet"] = ["sonnet4", "sonnet3"],
        ["Claude Opus"] = ["opus4", "opus3"],
    };

    /// <summary>Whether <paramref name="text"/> looks like a UniversalBackrooms log (a heading or a run block within its first lines).</summary>
    public static bool IsLog(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsLegacy(text))
        {
            return true;
        }

        var lines = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.TrimEnd().ToString();
            if (line == RunBlock || IsRound(line, out _) || Speaker(line) is not null || AgentBlock(line) is not null)
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

    // What a transcript read from a log says it is (its "format" metadata).
    private const string FormatKey = "format";
    private const string FormatName = "universal-backrooms";

    /// <summary>Whether <paramref name="transcript"/> was read from a UniversalBackrooms log (by this reader, now or when it was imported).</summary>
    public static bool IsReadFromALog(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return transcript.Metadata.TryGetValue(FormatKey, out var format) && format == FormatName;
    }

    /// <summary>Reads one log.</summary>
    /// <param name="text">The log's text.</param>
    /// <param name="path">The file, for error messages and the models its name gives (where it is read from is the caller's to record).</param>
    /// <param name="metadata">The run's metadata line, if known.</param>
    /// <exception cref="TranscriptFormatException">The text has no speaker heading.</exception>
    public static Transcript Read(string text, string? path = null, UniversalBackroomsMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var participants = new List<Participant>();
        var seats = new Dictionary<string, int>(StringComparer.Ordinal);
        var messages = new List<TranscriptMessage>();
        var agents = new List<(int After, string Heading, string Text)>();
        var body = new StringBuilder();
        int? seat = null;
        string? speaker = null;
        string? agent = null;
        var inRunBlock = false;
        var runBlock = new Dictionary<string, string>(StringComparer.Ordinal);
        DateTimeOffset? runStarted = null;
        int? roundCap = null;
        var rounds = false;
        var preamble = new StringBuilder();
        string? closing = null;
        var lineNumber = 0;
        var legacy = IsLegacy(text);
        bool? numbered = null;

        void Flush()
        {
            if (seat is { } s && speaker is not null)
            {
                messages.Add(new TranscriptMessage { Seat = s, Speaker = speaker, Content = body.ToString().Trim('\r', '\n') });
            }
            else if (agent is not null)
            {
                agents.Add((messages.Count, agent, body.ToString().Trim('\r', '\n')));
            }

            body.Clear();
            seat = null;
            speaker = null;
            agent = null;
        }

        // The tool's closing line ends a log; one that text follows is a model's words, given back to its message.
        var afterClosing = new List<string>();
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.TrimEnd();
            if (closing is not null && trimmed.Length == 0)
            {
                afterClosing.Add(line);
                continue;
            }

            if (closing is not null && !IsClosing(trimmed))
            {
                foreach (var held in afterClosing)
                {
                    body.Append(held).Append('\n');
                }

                afterClosing.Clear();
                closing = null;
            }

            if (trimmed == RunBlock)
            {
                Flush();
                inRunBlock = true;
                continue;
            }

            if (inRunBlock)
            {
                // "Template: x", "Models: a, b", "Started: iso" until the blank line before the first round.
                var colon = trimmed.IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0 && trimmed.Length > 0)
                {
                    runBlock[trimmed[..colon]] = trimmed[(colon + 2)..];
                    if (trimmed[..colon] == "Started")
                    {
                        try
                        {
                            runStarted = IsoTime.Read(trimmed[(colon + 2)..].Trim(), "Started");
                        }
                        catch (FormatException ex)
                        {
                            // Read exactly or refused, as every reader's times: a lenient parse took "13:08" for today.
                            throw new TranscriptFormatException(path, lineNumber, ex.Message, ex);
                        }
                    }

                    continue;
                }

                inRunBlock = false;
                if (trimmed.Length == 0)
                {
                    continue;
                }
            }

            if (IsRound(trimmed, out var cap))
            {
                roundCap ??= cap;
                rounds = true;
                continue;
            }

            if (trimmed is "TRANSCRIPT:" or "LATEST_ROUND:")
            {
                continue;
            }

            if (AgentBlock(trimmed) is { } agentHeading)
            {
                Flush();
                agent = agentHeading;
                continue;
            }

            // A log's headings are all numbered or all not, as its first one is: a "### THE END ###" banner inside a
            // message of a numbered log is the model's text, not a new speaker.
            if ((legacy ? LegacySpeaker(trimmed) : Speaker(trimmed)) is { } heading
                && (numbered ??= heading.Number.Length > 0) == heading.Number.Length > 0)
            {
                Flush();
                speaker = heading.Name;
                var key = speaker + "\u0001" + heading.Number;
                if (!seats.TryGetValue(key, out var number))
                {
                    number = participants.Count + 1;
                    seats[key] = number;
                    participants.Add(new Participant(number, speaker));
                }

                seat = number;
                continue;
            }

            if (IsClosing(trimmed) && (seat is not null || agent is not null))
            {
                closing = trimmed;
                afterClosing.Add(line);
                continue;
            }

            if (seat is null && agent is null)
            {
                if (runBlock.Count > 0 && messages.Count == 0 && agents.Count == 0)
                {
                    // What the tool printed after its run block (resolved template variables, a JSON dump of them) before
                    // the first round: the run's, kept as metadata, never a seat's words.
                    preamble.Append(line).Append('\n');
                }
                else if (trimmed.Length > 0)
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
            throw new TranscriptFormatException(
                path,
                null,
                (runBlock.Count > 0, rounds, agents.Count > 0) switch
                {
                    (true, _, _) => "the run stopped before anyone spoke (no message follows its '### Backrooms Run ###' block)",
                    (_, true, _) => "the run stopped before anyone spoke (the log holds only a '### Round' line)",
                    (_, _, true) => $"the run stopped before anyone spoke (the log holds only a '{agents[0].Heading}' block)",
                    _ => "no speaker heading '### {Speaker} {n} ###' was found; this is not a UniversalBackrooms log",
                });
        }

        // Each seat's model: the tool's short key, from the metadata, the run block or the log's file name, else from its
        // display name.
        var keys = metadata?.Models is { Count: > 0 } listed
            ? listed
            : runBlock.TryGetValue("Models", out var models) ? models.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : KeysFromFileName(path, participants);
        for (var i = 0; i < participants.Count; i++)
        {
            var model = i < keys.Count ? keys[i]
                : KeysByDisplayName.TryGetValue(participants[i].Name, out var named) && named.Length == 1 ? named[0] : null;
            participants[i] = participants[i] with { Model = model };
        }

        var started = metadata?.Start ?? runStarted;
        var transcript = new Transcript
        {
            Title = Transcript.TitleFor(participants),
            Participants = participants,
            Messages = messages,
            Started = started,
            Ended = metadata?.End,
            Stop = metadata?.ExitReason is { } reason and not "unknown"
                ? new StopInfo(StopReasonFor(reason), Detail: "UniversalBackrooms exit_reason: " + reason)
                : closing is null ? null : Closing(closing, participants),
        };
        transcript.Metadata[FormatKey] = FormatName;
        transcript.Metadata[TranscriptMetadataKeys.FirstMessage] = TranscriptMetadataKeys.FirstMessageSpoken;
        if ((metadata?.Template ?? runBlock.GetValueOrDefault("Template")) is { } template)
        {
            transcript.Metadata["template"] = template;
        }

        if ((metadata?.MaxTurns ?? roundCap) is { } maxTurns)
        {
            transcript.Metadata["max_turns"] = maxTurns.ToString(CultureInfo.InvariantCulture);
        }

        if (metadata?.ExitReason is { } exit)
        {
            transcript.Metadata["exit_reason"] = exit;
        }

        if (agents.Count > 0)
        {
            transcript.Metadata["agentBlocks"] = AgentBlocksJson(agents);
        }

        if (preamble.ToString().Trim() is { Length: > 0 } before)
        {
            transcript.Metadata["preamble"] = before;
        }

        return transcript;
    }

    // The agent blocks as a JSON array: where each stood (after how many messages), its heading and its text.
    private static string AgentBlocksJson(List<(int After, string Heading, string Text)> agents)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var (after, heading, text) in agents)
            {
                writer.WriteStartObject();
                writer.WriteNumber("afterMessage", after);
                writer.WriteString("heading", heading);
                writer.WriteString("text", text);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // "### Round 3/30", "### Round 3/inf" (no closing ###), or "### Round 3"; the cap when it is a number.
    private static bool IsRound(string line, out int? cap)
    {
        cap = null;
        const string Prefix = "### Round ";
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = line[Prefix.Length..].TrimEnd('#', ' ');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var round = slash < 0 ? rest : rest[..slash];
        if (round.Length == 0 || !round.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (slash < 0)
        {
            return true;
        }

        var limit = rest[(slash + 1)..];
        if (limit == "inf")
        {
            return true;
        }

        if (limit.Length == 0 || !limit.All(char.IsAsciiDigit))
        {
            return false;
        }

        // A cap beyond any run's length (more than 2^31 turns) is no cap, as "inf" is: the line is still a round's.
        cap = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        return true;
    }

    /// <summary>
    /// The tool's first form (2024): no headings, each message opened by a line <c>{Name} {n}:</c> alone ("Claude 1:",
    /// "GPT4o 2:"). Taken for that form only when the log's first line is such a line, so a colon line in a message of the
    /// later form is never mistaken for a speaker.
    /// </summary>
    private static bool IsLegacy(string text)
    {
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (!line.IsEmpty)
            {
                return LegacySpeaker(line.ToString()) is not null;
            }
        }

        return false;
    }

    // "Claude 1:" alone on its line: the first form's speaker line.
    private static (string Name, string Number)? LegacySpeaker(string line)
    {
        if (line.Length is < 4 or > 60 || !line.EndsWith(':') || line.StartsWith('#') || line.AsSpan(0, line.Length - 1).Contains(':'))
        {
            return null;
        }

        var space = line.LastIndexOf(' ');
        var number = space > 0 ? line[(space + 1)..^1] : "";
        return number.Length is >= 1 and <= 2 && number.All(char.IsAsciiDigit) && !char.IsWhiteSpace(line[0])
            ? (line[..space], number)
            : null;
    }

    // "### Name 2 ###" or "### Name ###": the speaker's name and number ("" without one); null when the line is none.
    private static (string Name, string Number)? Speaker(string line)
    {
        if (line.Length < 9 || !line.StartsWith("### ", StringComparison.Ordinal) || !line.EndsWith(" ###", StringComparison.Ordinal) || line == RunBlock)
        {
            return null;
        }

        var inner = line[4..^4].Trim();
        if (inner.Length == 0 || inner.Contains("###", StringComparison.Ordinal) || AgentBlock(line) is not null)
        {
            return null;
        }

        var space = inner.LastIndexOf(' ');
        return space > 0 && inner[(space + 1)..].All(char.IsAsciiDigit)
            ? (inner[..space], inner[(space + 1)..])
            : (inner, string.Empty);
    }

    // "### Media Agent ###", "### Media Agent (Discord Post) ###", "### Discord Agent ###", "### SQL (semantic) ###", …
    private static string? AgentBlock(string line)
    {
        if (!line.StartsWith("### ", StringComparison.Ordinal) || !line.EndsWith(" ###", StringComparison.Ordinal) || line.Length < 9)
        {
            return null;
        }

        var inner = line[4..^4].Trim();
        return inner.StartsWith("Media Agent", StringComparison.Ordinal) || inner.StartsWith("Discord ", StringComparison.Ordinal) || inner.StartsWith("SQL ", StringComparison.Ordinal)
            ? inner
            : null;
    }

    // The tool's closing lines, as a stop marked inferred.
    private static bool IsClosing(string line) =>
        (line.StartsWith("Reached maximum number of turns (", StringComparison.Ordinal) && line.EndsWith("). Conversation ended.", StringComparison.Ordinal))
        || (line.StartsWith("Context budget limit reached", StringComparison.Ordinal) && line.EndsWith("Conversation ended.", StringComparison.Ordinal))
        || line.EndsWith(EndedWithControlC, StringComparison.Ordinal);

    private const string EndedWithControlC = " has ended the conversation with ^C^C.";

    // The stop a closing line says (read once, for the log's last: its seat is looked up among every participant).
    private static StopInfo? Closing(string line, List<Participant> participants)
    {
        if (line.StartsWith("Reached maximum number of turns (", StringComparison.Ordinal) && line.EndsWith("). Conversation ended.", StringComparison.Ordinal))
        {
            return new StopInfo(StopReasons.MaxMessages, Detail: "inferred from the log's closing line: " + line);
        }

        if (line.StartsWith("Context budget limit reached", StringComparison.Ordinal) && line.EndsWith("Conversation ended.", StringComparison.Ordinal))
        {
            return new StopInfo(StopReasons.TokenBudget, Detail: "inferred from the log's closing line: " + line);
        }

        if (line.EndsWith(EndedWithControlC, StringComparison.Ordinal))
        {
            var actor = line[..^EndedWithControlC.Length];
            var seat = participants.FirstOrDefault(p => actor == p.Name || actor.StartsWith(p.Name + " ", StringComparison.Ordinal))?.Seat;
            return new StopInfo(StopReasons.EndToken, seat, Detail: "inferred from the log's closing line: " + line);
        }

        return null;
    }

    /// <summary>
    /// The seats' short keys as the tool names its logs, <c>{key1}_{key2}…_{template}_{yyyyMMdd}_{HHmmss}.txt</c>
    /// (<c>opus_o1-preview_cli_20241018_213842.txt</c>: seat 1 opus, seat 2 o1-preview): for logs without metadata or a
    /// run block, where a display name such as "Claude" or "GPT4o" does not say which model spoke. None when the name has
    /// another shape, leaves no template after one key per seat, or gives a seat a key its display name never named.
    /// </summary>
    private static IReadOnlyList<string> KeysFromFileName(string? path, IReadOnlyList<Participant> participants)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (path is null || name is null || participants.Count == 0 || !Path.GetExtension(path).Equals(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var parts = name.Split('_');
        var stamped = parts.Length >= participants.Count + 3
            && parts[^2] is { Length: 8 } date && date.All(char.IsAsciiDigit)
            && parts[^1] is { Length: 6 } time && time.All(char.IsAsciiDigit);
        if (!stamped || parts.Take(participants.Count).Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
        {
            return [];
        }

        var keys = parts[..participants.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            if (KeysByDisplayName.TryGetValue(participants[i].Name, out var known) && !known.Contains(keys[i], StringComparer.Ordinal))
            {
                return [];
            }
        }

        return keys;
    }

    /// <summary>Reads one log file, enriched from <paramref name="metadata"/> when given.</summary>
    /// <exception cref="TranscriptFormatException">The file is missing or not a log.</exception>
    public static Transcript ReadFile(string path, UniversalBackroomsMetadata? metadata = null) =>
        Read(AtomicFile.ReadAllText(path), path, metadata);

    /// <summary>
    /// Reads every <c>.txt</c> log under <paramref name="directory"/> (recursively, in ordinal path order), one at
    /// a time, enriched from every <c>*.jsonl</c> metadata file found there (matched by <c>log_file</c>'s file name),
    /// each with its file relative to <paramref name="directory"/> as its <see cref="TranscriptMetadataKeys.Source"/>.
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
        var metadata = new UniversalBackroomsMetadataIndex();
        foreach (var file in Directory.EnumerateFiles(directory, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            metadata.Add(ReadMetadata(file));
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = AtomicFile.ReadAllText(file);
            if (!IsLog(text))
            {
                continue;
            }

            var transcript = Read(text, file, metadata.Find(file));
            transcript.Metadata[TranscriptMetadataKeys.Source] = Path.GetRelativePath(directory, file);
            yield return transcript;
        }
    }

    /// <summary>
    /// The run file a later version of the tool writes beside a log (<c>x.meta.json</c> beside <c>x.txt</c>, with
    /// <c>x.jsonl</c> and <c>x.transcript.json</c> holding the same messages); null when there is none.
    /// </summary>
    /// <exception cref="TranscriptFormatException">The run file is not a JSON object.</exception>
    public static UniversalBackroomsMetadata? ReadRunFile(string logPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(logPath);
        var runFile = RunFileOf(logPath);
        if (!File.Exists(runFile))
        {
            return null;
        }

        try
        {
            return UniversalBackroomsMetadata.ParseRunFile(AtomicFile.ReadAllText(runFile));
        }
        catch (JsonException ex)
        {
            throw new TranscriptFormatException(runFile, ex.LineNumber is { } line ? (int)line + 1 : null, $"the log's run file is not a JSON object ({StrictJson.Reason(ex)})", ex);
        }
        catch (FormatException ex)
        {
            throw new TranscriptFormatException(runFile, null, ex.Message, ex);
        }
    }

    /// <summary>Where the run file of the log at <paramref name="logPath"/> would be (<c>x.txt</c> → <c>x.meta.json</c>).</summary>
    public static string RunFileOf(string logPath) => Path.ChangeExtension(logPath, ".meta.json");

    /// <summary>Reads a metadata JSONL file into entries keyed by their <c>log_file</c> (with '/' between folders).</summary>
    /// <exception cref="TranscriptFormatException">A line is not a JSON object.</exception>
    public static IReadOnlyDictionary<string, UniversalBackroomsMetadata> ReadMetadata(string path)
    {
        var entries = new Dictionary<string, UniversalBackroomsMetadata>(StringComparer.Ordinal);
        var lineNumber = 0;
        using var reader = AtomicFile.OpenText(path);
        while (reader.ReadLine() is { } line)
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
                throw new TranscriptFormatException(path, lineNumber, $"the metadata line is not a JSON object ({StrictJson.Reason(ex)})", ex);
            }
            catch (FormatException ex)
            {
                throw new TranscriptFormatException(path, lineNumber, ex.Message, ex);
            }

            if (entry.LogFile is { Length: > 0 } logFile)
            {
                entries[logFile.Replace('\\', '/')] = entry;
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

}
