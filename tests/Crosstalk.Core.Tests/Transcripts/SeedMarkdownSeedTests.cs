using System.Text;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

public sealed class SeedMarkdownSeedTests
{
    public static TheoryData<string> Seeds => new() { SharedFiles.Seed000, SharedFiles.Seed001 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Write_ReadSeed_ReproducesBytes(string seed)
    {
        var bytes = File.ReadAllBytes(seed);

        var written = SeedMarkdown.Write(SeedMarkdown.ReadFile(seed));

        Assert.Equal(bytes, Encoding.UTF8.GetBytes(written));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Write_SeedThroughJson_ReproducesBytes(string seed)
    {
        var bytes = File.ReadAllBytes(seed);

        var json = TranscriptJson.Write(SeedMarkdown.ReadFile(seed));
        var written = SeedMarkdown.Write(TranscriptJson.Read(json));

        Assert.Equal(bytes, Encoding.UTF8.GetBytes(written));
    }

    [Fact]
    public void Read_Seed000_GivesParticipantsTimesAndMessages()
    {
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed000);

        Assert.Equal("Kimi K2 ↔ 4o", transcript.Title);
        Assert.Equal([new Participant(1, "Kimi K2"), new Participant(2, "4o")], transcript.Participants);
        Assert.Equal(new DateTime(2025, 10, 26, 12, 15, 18), transcript.Started!.Value.DateTime);
        Assert.Equal(new DateTime(2025, 10, 26, 12, 15, 35), transcript.Ended!.Value.DateTime);
        Assert.Equal(6, transcript.Messages.Count);
        Assert.Equal(" ", transcript.Messages[0].Content);
        Assert.Equal([1, 2, 1, 2, 1, 2], transcript.Messages.Select(m => m.Seat));
        Assert.Equal(["Kimi K2", "4o", "Kimi K2", "4o", "Kimi K2", "4o"], transcript.Messages.Select(m => m.Speaker));
        Assert.EndsWith("factual substantiation.\n\n[END]", transcript.Messages[5].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Seed001_KeepsHeadingsInsideContent()
    {
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed001);

        Assert.Equal(97, transcript.Messages.Count);
        Assert.Contains("\n### Classes of Questions I Find Disproportionately Hard", transcript.Messages[5].Content, StringComparison.Ordinal);
        Assert.Equal("Final exit—no more replies.", transcript.Messages[96].Content);
        Assert.Equal(1, transcript.Messages[96].Seat);
    }

    [Fact]
    public void Read_Seed001OriginalJson_GivesSameMessagesAsMarkdown()
    {
        var markdown = SeedMarkdown.ReadFile(SharedFiles.Seed001);

        var original = OriginalJson.ReadFile(SharedFiles.Seed001OriginalJson);

        Assert.Equal(markdown.Title, original.Title);
        Assert.Equal(markdown.Participants, original.Participants);
        Assert.Equal(
            markdown.Messages.Select(m => (m.Seat, m.Speaker, m.Content)),
            original.Messages.Select(m => (m.Seat, m.Speaker, m.Content)));
        Assert.Equal(markdown.Started!.Value.DateTime, TruncateToSecond(original.Started!.Value.DateTime));
        Assert.Equal(markdown.Ended!.Value.DateTime, TruncateToSecond(original.Ended!.Value.DateTime));
    }

    [Fact]
    public void Write_Seed001OriginalJson_ReproducesPythonBytes()
    {
        var bytes = File.ReadAllBytes(SharedFiles.Seed001OriginalJson);

        var written = OriginalJson.Write(OriginalJson.ReadFile(SharedFiles.Seed001OriginalJson));

        Assert.Equal(bytes, Encoding.UTF8.GetBytes(written));
    }

    [Fact]
    public void Write_OriginalJsonFromMarkdown_ReproducesPythonBytesExceptSubSecondTimes()
    {
        var original = OriginalJson.ReadFile(SharedFiles.Seed001OriginalJson);
        var markdown = SeedMarkdown.ReadFile(SharedFiles.Seed001);
        markdown.Started = original.Started;
        markdown.Ended = original.Ended;

        Assert.Equal(File.ReadAllText(SharedFiles.Seed001OriginalJson), OriginalJson.Write(markdown));
    }

    private static DateTime TruncateToSecond(DateTime value) => value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond));
}
