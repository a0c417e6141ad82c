using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

public sealed class TranscriptFormatErrorTests
{
    private const string Path = "runs/t.md";

    [Fact]
    public void Read_EmptyFile_NamesFileAndLineOne()
    {
        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read("", Path));

        Assert.Equal(Path, error.Path);
        Assert.Equal(1, error.Line);
        Assert.StartsWith("runs/t.md:1: the file is empty", error.Message, StringComparison.Ordinal);
    }

    // JSON reads 1e999 as infinity: a latency no call ever had, from a broken or hostile file, is refused, not saturated.
    [Theory]
    [InlineData("1e999", "message 1's latencyMs is Infinity")]
    [InlineData("-5", "message 1's latencyMs is -5")]
    public void ReadJson_ImpossibleLatency_IsOneLineNamingTheField(string latency, string expected)
    {
        var json = $$"""{"participants":[{"seat":1,"name":"A"}],"messages":[{"seat":1,"speaker":"A","content":"hi","latencyMs":{{latency}}}]}""";

        var error = Assert.Throws<TranscriptFormatException>(() => TranscriptJson.Read(json, "t.json"));

        Assert.StartsWith("t.json:1: " + expected + ", but a duration must be a number of milliseconds from 0 to 366 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RandomText_AsksForTitle()
    {
        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read("Dear diary,\ntoday two models talked.\n", Path));

        Assert.Equal("runs/t.md:1: expected a title line starting with '# '", error.Message);
    }

    [Fact]
    public void Read_UnknownSpeaker_NamesSpeakerLineAndParticipants()
    {
        const string text = "# Kimi K2 ↔ 4o\n\n**Messages:** 2\n\n---\n\n### Kimi K2\n\nhi\n\n---\n\n### Claude\n\nhello\n\n---\n\n";

        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read(text, Path));

        Assert.Equal(13, error.Line);
        Assert.Equal("runs/t.md:13: speaker 'Claude' on line 13 is not one of the participants named in the title (Kimi K2, 4o)", error.Message);
    }

    [Fact]
    public void Read_UnknownFirstSpeaker_NamesSpeaker()
    {
        const string text = "# A ↔ B\n\n**Messages:** 1\n\n---\n\n### C\n\nhi\n\n---\n\n";

        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read(text, Path));

        Assert.Equal(7, error.Line);
        Assert.Contains("speaker 'C'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongMessageCount_SaysBothCounts()
    {
        var text = SeedMarkdown.Write(SeedMarkdownTests.Make(["A", "B"], "x", "y")).Replace("**Messages:** 2", "**Messages:** 5", StringComparison.Ordinal);

        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read(text, Path));

        Assert.Equal("runs/t.md:3: the header says 5 messages but the file has 2", error.Message);
    }

    [Fact]
    public void Read_MissingMessagesLine_SaysSo()
    {
        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read("# A ↔ B\n\n**Started:** 2025-01-01 00:00:00\n\n---\n\n", Path));

        Assert.Contains("expected a '**Messages:** N' line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadTime_NamesLine()
    {
        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read("# A ↔ B\n\n**Started:** yesterday\n**Messages:** 0\n\n---\n\n", Path));

        Assert.Equal(3, error.Line);
        Assert.Contains("'yesterday' is not of the form yyyy-MM-dd HH:mm:ss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CutOffFile_SaysMessageIsNotClosed()
    {
        const string text = "# A ↔ B\n\n**Messages:** 2\n\n---\n\n### A\n\nx\n\n---\n\n### B\n\nhalf a rep";

        var error = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Read(text, Path));

        Assert.Equal(13, error.Line);
        Assert.Contains("not closed by a '---' line", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"participants\": [", 1)]
    [InlineData("{\n  \"participants\": [],\n  \"messages\": [ }\n}", 3)]
    [InlineData("{\n  \"participants\": \"two\",\n  \"messages\": []\n}", 2)]
    public void ReadJson_BadJson_NamesFileAndLine(string json, int line)
    {
        var error = Assert.Throws<TranscriptFormatException>(() => TranscriptJson.Read(json, "t.json"));

        Assert.Equal("t.json", error.Path);
        Assert.Equal(line, error.Line);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_MessageOnEmptySeat_SaysSo()
    {
        const string json = "{\"participants\":[{\"seat\":1,\"name\":\"A\"}],\"messages\":[{\"seat\":2,\"content\":\"x\"}]}";

        var error = Assert.Throws<TranscriptFormatException>(() => TranscriptJson.Read(json, "t.json"));

        Assert.Contains("message 1 is on seat 2, where no participant sits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLines_BadSecondLine_NamesThatLine()
    {
        var writer = new StringWriter();
        TranscriptJson.WriteLine(writer, SeedMarkdownTests.Make(["A", "B"], "x"));
        writer.Write("{ not json\n");

        var transcripts = TranscriptJson.ReadLines(new StringReader(writer.ToString()), "t.jsonl");

        var error = Assert.Throws<TranscriptFormatException>(() => transcripts.ToList());
        Assert.Equal(2, error.Line);
        Assert.Equal("t.jsonl", error.Path);
    }

    [Fact]
    public void ReadOriginal_UnknownSpeaker_SaysWho()
    {
        const string json = "{\"model_a\":\"A\",\"model_b\":\"B\",\"initial_message\":\" \",\"messages\":[{\"role\":\"user\",\"content\":\" \",\"speaker\":\"C\"}],\"started_at\":null,\"ended_at\":null}";

        var error = Assert.Throws<TranscriptFormatException>(() => OriginalJson.Read(json, "o.json"));

        Assert.Contains("message 1 is spoken by 'C'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TranscriptFileRead_MissingFile_NamesFile()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "crosstalk-no-such-" + Guid.NewGuid().ToString("N"), "t.md");

        var error = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.Read(path));

        Assert.Equal($"{path}: the file does not exist", error.Message);
    }
}
