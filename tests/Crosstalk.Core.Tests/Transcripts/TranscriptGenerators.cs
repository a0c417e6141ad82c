using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using FsCheck;
using FsCheck.Fluent;

namespace Crosstalk.Core.Tests.Transcripts;

/// <summary>A generated transcript; prints as JSON so a failing case can be read.</summary>
public sealed record GeneratedTranscript(Transcript Transcript)
{
    public override string ToString() => TranscriptJson.Write(Transcript);
}

/// <summary>
/// Random transcripts whose content is stitched from the fragments that could confuse a Markdown reader:
/// separators, rules (escaped or not), headings naming the participants, fences, quotes, CR, NBSP, emoji.
/// </summary>
public static class TranscriptArbitraries
{
    private static readonly string[] Names =
    [
        "Kimi K2", "4o", "grok-4", "GPT-4o (2024-08-06)", "Claude", "---", "\\---", "### h", "a**b**", "🚀 bot", "x\u00a0y", "A ↔B", "↔",
    ];

    private static readonly string[] Fragments =
    [
        "\n", "\n", "\n\n", "\n\n", "---", "---", "\\---", "\\\\---", "### ", "```", "> ", "\r", "\r\n", "\t", "\u00a0", "🚀", " ", "x",
        "\n\n---\n\n", "\n\n---\n\n### ", "**Messages:** 3", "# ", "[END]", "↔",
    ];

    public static Arbitrary<GeneratedTranscript> Transcripts() => Arb.From(TranscriptGen(), Shrink);

    public static Gen<GeneratedTranscript> TranscriptGen() =>
        from participants in ParticipantsGen()
        from started in OptionalTimeGen()
        from ended in OptionalTimeGen()
        from count in Gen.Choose(0, 8)
        from messages in MessageGen(participants).ListOf(count)
        select Build(participants, started, ended, messages);

    private static IEnumerable<GeneratedTranscript> Shrink(GeneratedTranscript generated)
    {
        var t = generated.Transcript;
        for (var i = 0; i < t.Messages.Count; i++)
        {
            var fewer = Copy(t);
            fewer.Messages.RemoveAt(i);
            yield return new GeneratedTranscript(fewer);
        }
    }

    private static Transcript Copy(Transcript t)
    {
        var copy = new Transcript { Title = t.Title, Started = t.Started, Ended = t.Ended, Participants = [.. t.Participants] };
        foreach (var m in t.Messages)
        {
            copy.Messages.Add(m);
        }

        return copy;
    }

    private static GeneratedTranscript Build(string[] names, DateTimeOffset? started, DateTimeOffset? ended, List<(int Seat, string Content)> messages)
    {
        var transcript = new Transcript { Started = started, Ended = ended };
        for (var i = 0; i < names.Length; i++)
        {
            transcript.Participants.Add(new Participant(i + 1, names[i]));
        }

        transcript.Title = Transcript.TitleFor(transcript.Participants);
        var shared = names.Distinct().Count() != names.Length;
        for (var i = 0; i < messages.Count; i++)
        {
            // Seats that share a name are only told apart by turn order, so those transcripts take turns strictly.
            var seat = shared ? (i % names.Length) + 1 : messages[i].Seat;
            transcript.Messages.Add(new TranscriptMessage { Seat = seat, Speaker = names[seat - 1], Content = messages[i].Content });
        }

        return new GeneratedTranscript(transcript);
    }

    private static Gen<string[]> ParticipantsGen() =>
        Gen.OneOf(
            from count in Gen.Choose(1, 3)
            from names in Gen.Shuffle(Names.Where(n => n is not ("A ↔B" or "↔")).ToArray())
            select names.Take(count).ToArray(),
            from count in Gen.Choose(2, 3)
            from name in Gen.Elements(Names)
            select Enumerable.Repeat(name, count).ToArray(),
            Gen.Constant(new[] { "A ↔B", "↔", "C" }));

    private static Gen<DateTimeOffset?> OptionalTimeGen() =>
        Gen.Frequency((1, Gen.Constant<DateTimeOffset?>(null)), (3, TimeGen().Select(t => (DateTimeOffset?)t)));

    private static Gen<DateTimeOffset> TimeGen() =>
        from seconds in Gen.Choose(0, 400_000_000)
        from offsetHours in Gen.Choose(-12, 14)
        select new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(offsetHours)).AddSeconds(seconds);

    private static Gen<(int Seat, string Content)> MessageGen(string[] names) =>
        from seat in Gen.Choose(1, names.Length)
        from pieces in Gen.Choose(0, 14).SelectMany(n => PieceGen(names).ListOf(n))
        select (seat, string.Concat(pieces));

    private static Gen<string> PieceGen(string[] names) =>
        Gen.Frequency(
            (6, Gen.Elements(Fragments)),
            (2, Gen.Elements(names)),
            (1, Gen.Elements(names).Select(n => "\n\n---\n\n### " + n + "\n\n")),
            (1, Gen.Elements(names).Select(n => "### " + n)));
}
