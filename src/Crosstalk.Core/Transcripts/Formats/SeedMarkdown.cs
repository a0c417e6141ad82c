using System.Globalization;
using System.Text;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// The Markdown transcript format of the original system (the seeds): a <c># A ↔ B</c> title, a
/// <c>**Started:**</c>/<c>**Ended:**</c>/<c>**Messages:**</c> header, then one <c>### Speaker</c> block per
/// message, each closed by a <c>---</c> line. Files this class writes read back to the same transcript,
/// and the seeds read and write back byte for byte.
/// </summary>
/// <remarks>
/// The format keeps only the title's participant names, the start and end times to the second, and each
/// message's speaker and content; models, usage, stop information and metadata need <see cref="TranscriptJson"/>.
/// </remarks>
public static class SeedMarkdown
{
    internal const string Separator = "\n\n---\n\n";
    internal const string NameJoiner = " ↔ ";

    /// <summary>Parses seed Markdown.</summary>
    /// <param name="text">The whole file.</param>
    /// <param name="path">The file name, used only in error messages.</param>
    /// <exception cref="TranscriptFormatException">The text is not a seed Markdown transcript.</exception>
    public static Transcript Read(string text, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SeedMarkdownParser(text, path).Parse();
    }

    /// <summary>Reads a seed Markdown file.</summary>
    /// <exception cref="TranscriptFormatException">The file is missing, unreadable or not a seed Markdown transcript.</exception>
    public static Transcript ReadFile(string path) => Read(AtomicFile.ReadAllText(path), path);

    /// <summary>Writes a transcript as seed Markdown (always with <c>\n</c> line ends, no byte-order mark).</summary>
    /// <exception cref="TranscriptFormatException">
    /// The transcript cannot be written so that it reads back: no participants, seats not numbered 1..n in order, a name
    /// that <see cref="NameProblem"/> refuses or that does not split back out of the title, or messages that would read
    /// back on other seats (<see cref="SeatOrderProblem"/>).
    /// </exception>
    /// <exception cref="ArgumentException">A message is on a seat the transcript does not have.</exception>
    public static string Write(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var names = ValidateParticipants(transcript.Participants);
        if (SeatOrderProblem(names, transcript.Messages.Select(m => m.Seat)) is { } order)
        {
            throw Unwritable(order);
        }

        var seats = new SeatAssigner(names);

        var length = 128;
        foreach (var message in transcript.Messages)
        {
            length += message.Content.Length + 32;
        }

        var builder = new StringBuilder(length);
        builder.Append("# ").Append(string.Join(NameJoiner, names)).Append("\n\n");
        if (transcript.Started is { } started)
        {
            builder.Append("**Started:** ").Append(LocalClock.FormatSeconds(started)).Append('\n');
        }

        if (transcript.Ended is { } ended)
        {
            builder.Append("**Ended:** ").Append(LocalClock.FormatSeconds(ended)).Append('\n');
        }

        builder.Append("**Messages:** ").Append(transcript.Messages.Count.ToString(CultureInfo.InvariantCulture)).Append(Separator);

        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            var message = transcript.Messages[i];
            if (message.Seat < 1 || message.Seat > names.Length)
            {
                throw new ArgumentException(
                    $"Message {i + 1} is on seat {message.Seat}, but the transcript has seats 1 to {names.Length}.", nameof(transcript));
            }

            ArgumentNullException.ThrowIfNull(message.Content, nameof(transcript));
            builder.Append("### ").Append(names[message.Seat - 1]).Append("\n\n");
            RuleEscaping.AppendEscaped(builder, message.Content, seats);
            builder.Append(Separator);
        }

        return builder.ToString();
    }

    /// <summary>Writes a transcript as seed Markdown to a file, atomically (a temporary file renamed over the target).</summary>
    public static void WriteFile(Transcript transcript, string path)
    {
        var text = Write(transcript);
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot name a seat — a transcript's title joins the names with " ↔ " and its headings
    /// are single lines, so a name must be non-blank, on one line, free of control characters and without " ↔ " — or
    /// null when it can (the writer also makes sure the names joined into a title split back into the same names). Checked where names enter (experiment files, the planner), so
    /// a bad one is refused there, in one line, before anything is written.
    /// </summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "a name must not be blank";
        }

        if (name.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
        {
            return "a name must be one line without control characters";
        }

        if (name.Any(ErrorText.Reorders))
        {
            return "a name must not hold a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069), which would reorder the title around it";
        }

        if (name.Contains(NameJoiner, StringComparison.Ordinal))
        {
            return $"a name must not contain \"{NameJoiner}\", which separates the names in a transcript's title";
        }

        if (name.StartsWith(NameJoiner.TrimStart(), StringComparison.Ordinal) || name.EndsWith(NameJoiner.TrimEnd(), StringComparison.Ordinal))
        {
            return $"a name must not begin with \"{NameJoiner.TrimStart()}\" or end with \"{NameJoiner.TrimEnd()}\": joined into a transcript's title, it would split into other names";
        }

        return name.Length > StoreLimits.Name ? $"a name must be at most {StoreLimits.Name} characters" : null;
    }

    /// <summary>
    /// What of <paramref name="transcript"/> seed Markdown does not hold (it keeps the names, the start and end to the
    /// second and the messages' text): each as a phrase, empty when nothing would be lost. <c>convert --to markdown</c> says
    /// so, so a conversion that drops the models and usage does not do it without a word.
    /// </summary>
    public static IReadOnlyList<string> NotKept(Transcript transcript) => NotKept(transcript, keptMetadata: []);

    /// <summary>As <see cref="NotKept(Transcript)"/>, for a format that also keeps the metadata keys <paramref name="keptMetadata"/>.</summary>
    internal static List<string> NotKept(Transcript transcript, IReadOnlyCollection<string> keptMetadata)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var lost = new List<string>();
        void Count(string what, Func<TranscriptMessage, bool> has)
        {
            var n = transcript.Messages.Count(has);
            if (n > 0)
            {
                lost.Add(string.Create(CultureInfo.InvariantCulture, $"{what} ({n} {(n == 1 ? "message" : "messages")})"));
            }
        }

        if (transcript.Participants.Any(p => !string.IsNullOrEmpty(p.Model)))
        {
            lost.Add("the models");
        }

        if (transcript.Participants.Any(p => !string.IsNullOrEmpty(p.SystemPrompt)))
        {
            lost.Add("the system prompts");
        }

        if (transcript.Title.Length > 0 && transcript.Title != Transcript.TitleFor(transcript.Participants))
        {
            lost.Add("the title");
        }

        var seatNames = transcript.Participants.GroupBy(p => p.Seat).ToDictionary(g => g.Key, g => g.First().Name);
        Count("speakers other than their seat's name", m => seatNames.TryGetValue(m.Seat, out var name) && name != m.Speaker);
        Count("token usage", m => m.Usage is not null);
        Count("costs", m => m.Cost is not null);
        Count("latencies", m => m.Latency is not null || m.TimeToFirstToken is not null);
        Count("message times", m => m.Timestamp is not null);
        Count("finish reasons", m => m.FinishReason is not null);
        Count("reasoning", m => m.Reasoning is not null);
        Count("what a seat was sent", m => m.SentAs is not null);
        Count("failed attempts", m => m.Attempts.Count > 0);
        if (transcript.Stop is { } stop && !Reinferred(transcript, stop))
        {
            lost.Add($"the stop ({stop.Reason})");
        }

        var metadata = transcript.Metadata.Keys.Where(key => !keptMetadata.Contains(key)).ToList();
        if (metadata.Count > 0)
        {
            lost.Add(string.Create(CultureInfo.InvariantCulture, $"metadata ({string.Join(", ", metadata.Take(5))}{(metadata.Count > 5 ? ", …" : "")})"));
        }

        return lost;
    }

    // Whether reading the Markdown back would infer this same stop (as reading the seed it came from did).
    private static bool Reinferred(Transcript transcript, StopInfo stop)
    {
        var bare = new Transcript { Started = transcript.Started, Ended = transcript.Ended, Messages = transcript.Messages };
        StopInference.Infer(bare);
        return bare.Stop is { } again && (again.Reason, again.Seat, again.Message, again.Detail) == (stop.Reason, stop.Seat, stop.Message, stop.Detail);
    }

    /// <summary>
    /// Why messages on <paramref name="seats"/>, in that order, would read back on other seats, or null when they would not.
    /// Seed Markdown names speakers, not seats: a name two seats share is read as the seat after the one that spoke before
    /// (the first such seat at the start), so a model talking to itself reads back only in turn order from the first seat
    /// that has its name. Checked by the writer, and where a conversation is planned, before anything runs.
    /// </summary>
    /// <param name="names">The seats' names, seat 1 first.</param>
    /// <param name="seats">Each message's seat, in order; the check ends at a seat that is not one of them.</param>
    public static string? SeatOrderProblem(IReadOnlyList<string> names, IEnumerable<int> seats)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(seats);
        if (names.Distinct(StringComparer.Ordinal).Count() == names.Count)
        {
            return null;
        }

        var reader = new SeatAssigner(names);
        var index = 0;
        foreach (var seat in seats)
        {
            index++;
            if (seat < 1 || seat > names.Count)
            {
                return null;
            }

            var read = reader.Next(names[seat - 1]);
            if (read != seat)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"message {index} is on seat {seat}, but more than one seat is named '{names[seat - 1]}', and Markdown, which names speakers and not seats, would read it back on seat {read}");
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="SeatOrderProblem"/> for a conversation that takes turns from <paramref name="firstSeat"/>, as the runner
    /// does: whether its Markdown transcript could read back on other seats, known before a message is written.
    /// </summary>
    public static string? TurnOrderProblem(IReadOnlyList<string> names, int firstSeat)
    {
        ArgumentNullException.ThrowIfNull(names);
        var seats = new int[2 * names.Count];
        seats[0] = firstSeat;
        for (var k = 1; k < seats.Length; k++)
        {
            seats[k] = TurnOrder.SeatAfter(seats[k - 1], names.Count);
        }

        return SeatOrderProblem(names, seats);
    }

    /// <exception cref="TranscriptFormatException">The names or seats cannot be written so that they read back.</exception>
    private static string[] ValidateParticipants(IList<Participant> participants)
    {
        if (participants.Count == 0)
        {
            throw Unwritable("it has no participant");
        }

        var names = new string[participants.Count];
        for (var i = 0; i < participants.Count; i++)
        {
            var participant = participants[i];
            if (participant.Seat != i + 1)
            {
                throw Unwritable($"participant '{participant.Name}' is on seat {participant.Seat}, and Markdown numbers seats 1..n in order");
            }

            var name = participant.Name;
            if (NameProblem(name) is { } problem)
            {
                throw Unwritable($"the participant name '{name}' will not read back ({problem})");
            }

            names[i] = name;
        }

        // NameProblem refuses the names known to join into a title that splits differently; this makes sure of it.
        var split = string.Join(NameJoiner, names).Split(NameJoiner);
        if (!split.AsSpan().SequenceEqual(names))
        {
            throw Unwritable($"the participant names ({string.Join(", ", names)}) join into a title that splits into other names");
        }

        return names;
    }

    /// <summary>
    /// Why a transcript cannot be seed Markdown (names and seats come from files and other tools as they are): one line, and
    /// the way out. JSON keeps any name and seat.
    /// </summary>
    private static TranscriptFormatException Unwritable(string why) =>
        new(null, null, $"cannot be written as seed Markdown: {why}; write it as JSON, which keeps it as it is");
}
