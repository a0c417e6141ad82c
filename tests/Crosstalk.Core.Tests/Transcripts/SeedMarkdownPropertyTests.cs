using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using FsCheck.Xunit;

namespace Crosstalk.Core.Tests.Transcripts;

public sealed class SeedMarkdownPropertyTests
{
    [Property(MaxTest = 2000, Arbitrary = [typeof(TranscriptArbitraries)])]
    public void Read_WrittenMarkdown_GivesBackTheTranscript(GeneratedTranscript generated)
    {
        var original = generated.Transcript;

        var text = SeedMarkdown.Write(original);
        var read = SeedMarkdown.Read(text);

        AssertSameInMarkdown(original, read);
        Assert.Equal(text, SeedMarkdown.Write(read));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(TranscriptArbitraries)])]
    public void Read_WrittenJson_GivesBackTheTranscript(GeneratedTranscript generated)
    {
        var original = generated.Transcript;

        var read = TranscriptJson.Read(TranscriptJson.Write(original));

        Assert.Equal(TranscriptJson.Write(original), TranscriptJson.Write(read));
        Assert.Equal(original.Started, read.Started);
        Assert.Equal(original.Messages.Select(m => m.Content), read.Messages.Select(m => m.Content));
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(TranscriptArbitraries)])]
    public void Read_WrittenJsonLine_GivesBackTheTranscript(GeneratedTranscript generated)
    {
        var writer = new StringWriter();
        TranscriptJson.WriteLine(writer, generated.Transcript);
        TranscriptJson.WriteLine(writer, generated.Transcript);

        var lines = writer.ToString().Split('\n');
        var read = TranscriptJson.ReadLines(new StringReader(writer.ToString())).ToList();

        Assert.Equal(3, lines.Length);
        Assert.Equal(2, read.Count);
        Assert.Equal(TranscriptJson.Write(generated.Transcript), TranscriptJson.Write(read[1]));
    }

    internal static void AssertSameInMarkdown(Transcript expected, Transcript actual)
    {
        Assert.Equal(Transcript.TitleFor(expected.Participants), actual.Title);
        Assert.Equal(expected.Participants.Select(p => (p.Seat, p.Name)), actual.Participants.Select(p => (p.Seat, p.Name)));
        Assert.Equal(ToSecond(expected.Started), ToSecond(actual.Started));
        Assert.Equal(ToSecond(expected.Ended), ToSecond(actual.Ended));
        Assert.Equal(
            expected.Messages.Select(m => (m.Seat, m.Speaker, m.Content)),
            actual.Messages.Select(m => (m.Seat, m.Speaker, m.Content)));
    }

    private static DateTime? ToSecond(DateTimeOffset? value) =>
        value is { } v ? v.DateTime.AddTicks(-(v.DateTime.Ticks % TimeSpan.TicksPerSecond)) : null;
}
