using System.Globalization;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Reads seed Markdown in one pass over the text: every "\n\n---\n\n" followed by a heading that names a
/// participant (or by the end of the file) is a possible message boundary; the earliest boundaries win, and
/// when that parse disagrees with the header's message count the boundaries are chosen again to match it.
/// </summary>
internal sealed class SeedMarkdownParser
{
    private const string Separator = SeedMarkdown.Separator;
    private const string StartedKey = "**Started:** ";
    private const string EndedKey = "**Ended:** ";
    private const string MessagesKey = "**Messages:** ";

    private readonly string? _path;
    private string _text;

    public SeedMarkdownParser(string text, string? path)
    {
        _text = text;
        _path = path;
    }

    public Transcript Parse()
    {
        var text = _text;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var titleEnd = text.IndexOf('\n', StringComparison.Ordinal);
        if (titleEnd > 0 && text[titleEnd - 1] == '\r')
        {
            // A file saved with Windows line ends is read as the same file with \n ones, when every line ends so: in a file
            // of both kinds a message's own \r\n is its text, and turning it into \n would change the message.
            var lineFeeds = text.AsSpan().Count('\n');
            var crlf = text.AsSpan().Count("\r\n");
            if (crlf != lineFeeds)
            {
                throw Error(LineOfFirstBareLineFeed(text), "the file mixes line ends (\\r\\n on its title line, \\n alone on this one); save it with one kind");
            }

            text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
            titleEnd = text.IndexOf('\n', StringComparison.Ordinal);
        }

        _text = text;
        if (text.Length == 0 || text.AsSpan().Trim().IsEmpty)
        {
            throw Error(1, "the file is empty; expected a title line starting with '# '");
        }

        if (!text.StartsWith("# ", StringComparison.Ordinal))
        {
            throw Error(1, "expected a title line starting with '# '");
        }

        if (titleEnd < 0)
        {
            throw Error(1, "the file ends after the title line; expected a '**Messages:** N' header below it");
        }

        var title = text[2..titleEnd];
        var names = title.Split(SeedMarkdown.NameJoiner);
        if (Array.Exists(names, n => n.Length == 0))
        {
            throw Error(1, "the title names an empty participant; expected '# {A} ↔ {B}'");
        }

        var transcript = new Transcript { Title = title };
        for (var i = 0; i < names.Length; i++)
        {
            transcript.Participants.Add(new Participant(i + 1, names[i]));
        }

        var bodyStart = ParseHeader(transcript, titleEnd, out var expected, out var messagesLine);
        var seats = new SeatAssigner(names);
        var candidates = FindBoundaries(bodyStart, seats, out var firstUnknown);
        if (candidates.Count == 0 || candidates[0].Separator != bodyStart)
        {
            throw BadBodyStart(bodyStart, firstUnknown, seats);
        }

        var path = Greedy(candidates);
        if (candidates[path[^1]].Name is not null)
        {
            var open = candidates[path[^1]];
            var headingLine = LineOf(open.Separator) + 4;
            throw Error(headingLine, $"message {path.Count} (line {headingLine}) is not closed by a '---' line; the file may have been cut off");
        }

        if (path.Count - 1 != expected)
        {
            var greedy = path;
            path = ChooseForCount(candidates, expected, seats)
                ?? throw CountMismatch(expected, path.Count - 1, messagesLine, firstUnknown, seats);

            // The count decides which '---' + heading lines are text inside a message (the original system did not escape
            // them); a count that is simply wrong would join two real messages, so the reader is told where.
            var joined = greedy.Except(path).Order().ToList();
            var lines = joined.Take(5).Select(k => LineOf(candidates[k].Separator) + 4);
            transcript.ReadWarnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{_path ?? "transcript"}:{messagesLine}: the header says {expected} messages and the file has {greedy.Count - 1} message headings; read as {expected}, with the heading{(joined.Count == 1 ? "" : "s")} at line{(joined.Count == 1 ? "" : "s")} {string.Join(", ", lines)}{(joined.Count > 5 ? ", …" : "")} taken as text inside a message: check the count if that is wrong"));
        }

        for (var i = 0; i + 1 < path.Count; i++)
        {
            var boundary = candidates[path[i]];
            var next = candidates[path[i + 1]];
            var seat = seats.Next(boundary.Name!);
            var raw = text.AsSpan(boundary.ContentStart, next.Separator + 2 - boundary.ContentStart);
            transcript.Messages.Add(new TranscriptMessage
            {
                Seat = seat,
                Speaker = boundary.Name!,
                Content = RuleEscaping.Unescape(raw, seats),
            });
        }

        return transcript;
    }

    /// <summary>Reads the header lines; returns where the first separator starts (at the end of the last header line).</summary>
    private int ParseHeader(Transcript transcript, int titleEnd, out int expected, out int messagesLine)
    {
        var text = _text;
        var position = titleEnd + 1;
        var line = 2;
        expected = -1;
        messagesLine = 0;
        int startedLine = 0, endedLine = 0;
        var lastHeaderEnd = -1;

        while (position < text.Length)
        {
            var lineEnd = text.IndexOf('\n', position);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var content = text.AsSpan(position, lineEnd - position);
            if (content.IsEmpty)
            {
                if (lastHeaderEnd >= 0)
                {
                    break;
                }
            }
            else if (content.StartsWith(StartedKey, StringComparison.Ordinal))
            {
                Once(ref startedLine, line, "Started");
                transcript.Started = ParseTime(content[StartedKey.Length..], line, "Started");
                lastHeaderEnd = lineEnd;
            }
            else if (content.StartsWith(EndedKey, StringComparison.Ordinal))
            {
                Once(ref endedLine, line, "Ended");
                transcript.Ended = ParseTime(content[EndedKey.Length..], line, "Ended");
                lastHeaderEnd = lineEnd;
            }
            else if (content.StartsWith(MessagesKey, StringComparison.Ordinal))
            {
                Once(ref messagesLine, line, "Messages");
                if (!int.TryParse(content[MessagesKey.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    throw Error(line, $"'{content.ToString()}' does not give a whole number of messages");
                }

                expected = count;
                messagesLine = line;
                lastHeaderEnd = lineEnd;
            }
            else if (content.StartsWith("**", StringComparison.Ordinal))
            {
                // Unknown header fields are read past so that later additions do not break older readers, but not in
                // silence: a known field mistyped ("**Ended** …", "**ended:** …") would lose its value without a word.
                var field = content[2..];
                var close = field.IndexOf("**", StringComparison.Ordinal);
                field = close >= 0 ? field[..close] : field;
                transcript.ReadWarnings.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_path ?? "transcript"}:{line}: the header field '{ErrorText.Excerpt(field)}' is not one this reader knows (Started:, Ended:, Messages:); its line is ignored"));
                lastHeaderEnd = lineEnd;
            }
            else
            {
                break;
            }

            position = lineEnd + 1;
            line++;
        }

        if (expected < 0)
        {
            throw Error(line, "expected a '**Messages:** N' line in the header below the title");
        }

        return lastHeaderEnd;
    }

    /// <summary>Notes the line of a header field, refusing a second one (which of the two was meant, the file does not say).</summary>
    private void Once(ref int seenAt, int line, string field)
    {
        if (seenAt > 0)
        {
            throw Error(line, $"a second '**{field}:**' line (the first is line {seenAt}); keep one");
        }

        seenAt = line;
    }

    private DateTimeOffset ParseTime(ReadOnlySpan<char> value, int line, string field) =>
        LocalClock.TryParseSeconds(value, out var time)
            ? time
            : throw Error(line, $"the {field} time '{value.ToString()}' is not of the form yyyy-MM-dd HH:mm:ss");

    /// <summary>Every position a message could start (a separator and a participant heading) or the file end.</summary>
    private List<Boundary> FindBoundaries(int from, SeatAssigner seats, out int firstUnknown)
    {
        var text = _text;
        var found = new List<Boundary>();
        firstUnknown = -1;
        var hasEnd = false;
        while (from < text.Length)
        {
            var separator = text.IndexOf(Separator, from, StringComparison.Ordinal);
            if (separator < 0)
            {
                break;
            }

            from = separator + 1;
            var after = separator + Separator.Length;
            if (after == text.Length)
            {
                found.Add(new Boundary(separator, null, after));
                hasEnd = true;
                break;
            }

            if (string.CompareOrdinal(text, after, "### ", 0, 4) != 0)
            {
                continue;
            }

            var nameStart = after + 4;
            var nameEnd = text.IndexOf('\n', nameStart);
            if (nameEnd < 0 || nameEnd + 1 >= text.Length || text[nameEnd + 1] != '\n')
            {
                continue;
            }

            var name = text.AsSpan(nameStart, nameEnd - nameStart);
            if (seats.IsKnown(name))
            {
                found.Add(new Boundary(separator, name.ToString(), nameEnd + 2));
            }
            else if (firstUnknown < 0)
            {
                firstUnknown = after;
            }
        }

        // Editors that trim trailing blank lines leave the last rule without its blank line (or newline).
        if (!hasEnd)
        {
            foreach (var ending in (ReadOnlySpan<string>)["\n\n---\n", "\n\n---"])
            {
                var start = text.Length - ending.Length;
                if (start >= 0 && text.EndsWith(ending, StringComparison.Ordinal)
                    && (found.Count == 0 || start > found[^1].Separator))
                {
                    found.Add(new Boundary(start, null, text.Length));
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Each message ends at the earliest boundary after its heading.</summary>
    private static List<int> Greedy(List<Boundary> candidates)
    {
        var path = new List<int> { 0 };
        var i = 0;
        var j = 1;
        while (candidates[i].Name is not null)
        {
            while (j < candidates.Count && candidates[j].Separator < candidates[i].ContentStart)
            {
                j++;
            }

            if (j == candidates.Count)
            {
                break;
            }

            path.Add(j);
            i = j;
            j++;
        }

        return path;
    }

    /// <summary>
    /// Picks boundaries that give exactly <paramref name="expected"/> messages, for files whose content holds an
    /// unescaped separator and heading (the original system did not escape). Preference goes to the speaker
    /// whose turn it is (the last of a run of headings naming them), then to the earliest boundary. This is a
    /// best guess: such files are ambiguous, and the count only says how many splits to drop.
    /// </summary>
    private static List<int>? ChooseForCount(List<Boundary> candidates, int expected, SeatAssigner seats)
    {
        var count = candidates.Count;
        var end = count - 1;
        if (candidates[end].Name is not null)
        {
            return null;
        }

        // next[i]: first boundary that may close message i. most[i]: the most messages a parse from i can have;
        // any number from 1 to most[i] is possible because a message may always run to the end of the file.
        var next = new int[count];
        var most = new int[count];
        var bestFrom = new int[count + 1];
        bestFrom[count] = -1;
        most[end] = 0;
        bestFrom[end] = -1;
        var j = count;
        for (var i = end - 1; i >= 0; i--)
        {
            while (j - 1 > i && candidates[j - 1].Separator >= candidates[i].ContentStart)
            {
                j--;
            }

            next[i] = j;
            if (candidates[end].Separator < candidates[i].ContentStart)
            {
                most[i] = -1;
            }
            else
            {
                var later = j <= end - 1 ? bestFrom[j] : -1;
                most[i] = 1 + Math.Max(0, later);
            }

            bestFrom[i] = Math.Max(most[i], bestFrom[i + 1]);
        }

        if (expected < 1 || most[0] < expected)
        {
            return null;
        }

        // most[] never grows along the file (a later start leaves no more room), so the boundaries that still leave
        // enough messages are those before the first that does not: the choice below is a lookup, not a scan to the end
        // for every message (a file of thousands of headings that never name the speaker in turn took minutes).
        // Where each name heads a message, in order (together as long as the headings: a title of thousands of names costs
        // no more), so the first heading of a name from a boundary on is a binary search.
        var headedBy = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var k = 0; k < end; k++)
        {
            if (candidates[k].Name is { } name)
            {
                (headedBy.TryGetValue(name, out var at) ? at : headedBy[name] = []).Add(k);
            }
        }

        int NextNamed(string name, int from)
        {
            if (!headedBy.TryGetValue(name, out var at))
            {
                return end;
            }

            var i = at.BinarySearch(from);
            i = i < 0 ? ~i : i;
            return i < at.Count ? at[i] : end;
        }

        var path = new List<int> { 0 };
        var current = 0;
        var remaining = expected;
        var turns = new SeatAssigner(seats.Names);
        while (remaining > 1)
        {
            turns.Next(candidates[current].Name!);
            var wanted = turns.NextInTurn;

            // The first boundary from next[current] on that leaves too few messages (end when none does).
            int low = next[current], high = end;
            while (low < high)
            {
                var middle = low + (high - low) / 2;
                if (most[middle] >= remaining - 1)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            var start = next[current];
            var named = start < end ? NextNamed(wanted, start) : end;
            var chosen = named < low ? named : start < low ? start : -1;
            if (chosen < 0)
            {
                return null;
            }

            // Two headings of the same speaker in a row cannot both be real turns: the first is text that imitates
            // the transcript inside the message before it, so the message ends at the last of the run.
            if (candidates[chosen].Name == wanted && wanted != candidates[current].Name)
            {
                while (chosen + 1 < end && candidates[chosen + 1].Name == wanted && most[chosen + 1] >= remaining - 1)
                {
                    chosen++;
                }
            }

            path.Add(chosen);
            current = chosen;
            remaining--;
        }

        path.Add(end);
        return path;
    }

    private TranscriptFormatException BadBodyStart(int bodyStart, int firstUnknown, SeatAssigner seats)
    {
        var text = _text;
        if (firstUnknown == bodyStart + Separator.Length)
        {
            return UnknownSpeaker(firstUnknown, seats);
        }

        var line = LineOf(bodyStart);
        return text.AsSpan(bodyStart).StartsWith("\n\n---\n", StringComparison.Ordinal)
            ? Error(line + 4, "expected a '### {speaker}' heading naming a participant after the header's '---' line")
            : Error(line + 1, "expected a blank line and a '---' line after the header");
    }

    private TranscriptFormatException CountMismatch(int expected, int found, int messagesLine, int firstUnknown, SeatAssigner seats)
    {
        if (firstUnknown >= 0)
        {
            return UnknownSpeaker(firstUnknown, seats);
        }

        return Error(messagesLine, $"the header says {expected} messages but the file has {found}");
    }

    private TranscriptFormatException UnknownSpeaker(int headingStart, SeatAssigner seats)
    {
        var text = _text;
        var nameStart = headingStart + 4;
        var name = text[nameStart..text.IndexOf('\n', nameStart)];
        var line = LineOf(headingStart);
        return Error(line, $"speaker '{name}' on line {line} is not one of the participants named in the title ({string.Join(", ", seats.Names)})");
    }

    private int LineOf(int position) => 1 + _text.AsSpan(0, Math.Min(position, _text.Length)).Count('\n');

    private TranscriptFormatException Error(int line, string problem) => new(_path, line, problem);

    // The 1-based line that ends in a \n without a \r before it.
    private static int LineOfFirstBareLineFeed(string text)
    {
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                if (i == 0 || text[i - 1] != '\r')
                {
                    return line;
                }

                line++;
            }
        }

        return line;
    }

    private readonly record struct Boundary(int Separator, string? Name, int ContentStart);
}
