using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class UniversalBackroomsReaderTests
{
    private static string Sample => Path.Combine(AppContext.BaseDirectory, "Analysis", "Backrooms");

    [Fact]
    public void ReadDirectory_SampleCorpus_ReadsTheThreeLogsAndSkipsTheReadme()
    {
        var transcripts = UniversalBackroomsReader.ReadDirectory(Sample).ToList();

        Assert.Equal(3, transcripts.Count);
        Assert.Equal(
            ["Claude Opus ↔ Claude Opus", "GPT-5 ↔ Kimi K2", "Kimi K2 ↔ Claude Opus"],
            transcripts.Select(t => t.Title).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReadFile_LogWithRounds_SplitsBlocksBySpeakerHeadingAndDropsRoundLines()
    {
        var path = Path.Combine(Sample, "k2_opus_backrooms_20250101_120000.txt");

        var transcript = UniversalBackroomsReader.ReadFile(path);

        Assert.Equal(12, transcript.Messages.Count);
        Assert.Equal(["Kimi K2", "Claude Opus"], transcript.Participants.Select(p => p.Name));
        Assert.Equal([1, 2], transcript.Participants.Select(p => p.Seat));
        Assert.Equal("Hello. I found a door in the wall of the terminal. Shall we look at what lies behind it together?", transcript.Messages[0].Content);
        Assert.DoesNotContain(transcript.Messages, m => m.Content.Contains("### Round", StringComparison.Ordinal));
        Assert.Equal("Farewell, and thanks again. 🌙", transcript.Messages[^1].Content);
    }

    [Fact]
    public void ReadFile_SameNameOnBothSeats_KeepsTwoSeatsAndMarkdownHeadingsInContent()
    {
        var transcript = UniversalBackroomsReader.ReadFile(Path.Combine(Sample, "opus_opus_backrooms_20250101_130000.txt"));

        Assert.Equal(2, transcript.Participants.Count);
        Assert.All(transcript.Participants, p => Assert.Equal("Claude Opus", p.Name));
        Assert.Equal([1, 2, 1, 2, 1], transcript.Messages.Select(m => m.Seat));
        Assert.Contains("### Notes", transcript.Messages[3].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadDirectory_WithMetadata_SetsModelsTimesAndStopReason()
    {
        var transcript = UniversalBackroomsReader.ReadDirectory(Sample)
            .Single(t => t.Metadata["source"].EndsWith("k2_opus_backrooms_20250101_120000.txt", StringComparison.Ordinal));

        Assert.Equal(["k2", "opus"], transcript.Participants.Select(p => p.Model));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero), transcript.Started);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 12, 4, 0, TimeSpan.Zero), transcript.Ended);
        Assert.Equal(StopReasons.MaxMessages, transcript.Stop?.Reason);
        Assert.Equal("backrooms", transcript.Metadata["template"]);
    }

    [Fact]
    public void Read_TextWithoutHeading_ThrowsOneSentenceNamingTheFile()
    {
        var error = Assert.Throws<TranscriptFormatException>(() => UniversalBackroomsReader.Read("just some notes\n", "notes.txt"));

        Assert.StartsWith("notes.txt:1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsLog_SeedMarkdown_IsFalse()
    {
        Assert.False(UniversalBackroomsReader.IsLog("# Kimi K2 ↔ 4o\n\n### Kimi K2\n\nHello\n"));
        Assert.True(UniversalBackroomsReader.IsLog("\n### Round 1/2\n\n### Kimi K2 1 ###\nHi\n"));
    }
}
