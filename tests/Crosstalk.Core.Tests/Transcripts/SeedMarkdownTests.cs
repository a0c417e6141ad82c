using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

public sealed class SeedMarkdownTests
{
    public static TheoryData<string> Contents => new()
    {
        " ",
        "",
        "### Heading inside\n\ntext",
        "before\n\n---\n\nafter a rule",
        "```\n---\n\n### 4o\n\n---\n```",
        "> quoted\n> ---\n\n> ### 4o",
        "emoji 🚀👋 and tabs\tand\u00a0nbsp",
        "\n\nleading and trailing newlines\n\n",
        "\n",
        "---",
        "ends with a rule\n\n---",
        "ends with a separator\n\n---\n\n",
        "crlf\r\ninside\r\n",
        "[END]",
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public void Read_WrittenContent_KeepsContentExactly(string content)
    {
        var transcript = Make(["Kimi K2", "4o"], content, "reply", content);

        var read = SeedMarkdown.Read(SeedMarkdown.Write(transcript));

        Assert.Equal([content, "reply", content], read.Messages.Select(m => m.Content));
        Assert.Equal([1, 2, 1], read.Messages.Select(m => m.Seat));
    }

    [Theory]
    [InlineData("a\n\n---\n\n### 4o\n\nfake reply", "a\n\n\\---\n\n### 4o\n\nfake reply")]
    [InlineData("a\n\n\\---\n\n### 4o\n\nx", "a\n\n\\\\---\n\n### 4o\n\nx")]
    [InlineData("ends with a heading\n\n---\n\n### Kimi K2", "ends with a heading\n\n\\---\n\n### Kimi K2")]
    [InlineData("a\n\n---\n\n### someone else\n\nx", "a\n\n---\n\n### someone else\n\nx")]
    [InlineData("---\n\n### 4o\n\nat the start", "---\n\n### 4o\n\nat the start")]
    public void Write_RuleBeforeParticipantHeading_EscapesOnlyThatRule(string content, string written)
    {
        var transcript = Make(["Kimi K2", "4o"], content);

        var text = SeedMarkdown.Write(transcript);

        Assert.Contains("### Kimi K2\n\n" + written + "\n\n---\n\n", text, StringComparison.Ordinal);
        Assert.Equal(content, SeedMarkdown.Read(text).Messages.Single().Content);
    }

    [Fact]
    public void Read_CrlfFile_ReadsLikeLf()
    {
        var lf = SeedMarkdown.Write(Make(["Kimi K2", "4o"], " ", "Hello!\nSecond line"));

        var read = SeedMarkdown.Read(lf.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal([" ", "Hello!\nSecond line"], read.Messages.Select(m => m.Content));
        Assert.Equal(lf, SeedMarkdown.Write(read));
    }

    [Fact]
    public void Read_ByteOrderMark_IsSkipped()
    {
        var text = SeedMarkdown.Write(Make(["A", "B"], "hi"));

        var read = SeedMarkdown.Read("\uFEFF" + text);

        Assert.Equal("A ↔ B", read.Title);
        Assert.Equal("hi", read.Messages.Single().Content);
    }

    [Fact]
    public void Read_NoEndedLine_LeavesEndedNull()
    {
        const string text = "# A ↔ B\n\n**Started:** 2025-10-26 13:08:38\n**Messages:** 1\n\n---\n\n### A\n\n \n\n---\n\n";

        var read = SeedMarkdown.Read(text);

        Assert.Null(read.Ended);
        Assert.Equal(new DateTime(2025, 10, 26, 13, 8, 38), read.Started!.Value.DateTime);
        Assert.Equal(text, SeedMarkdown.Write(read));
    }

    [Fact]
    public void Write_NoTimes_OmitsBothLines()
    {
        var text = SeedMarkdown.Write(Make(["A", "B"], "x"));

        Assert.Equal("# A ↔ B\n\n**Messages:** 1\n\n---\n\n### A\n\nx\n\n---\n\n", text);
        Assert.Null(SeedMarkdown.Read(text).Started);
    }

    [Fact]
    public void Write_TimeWithOffset_PrintsItsOwnClockTime()
    {
        var transcript = Make(["A", "B"]);
        transcript.Started = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7));

        Assert.Contains("**Started:** 2025-01-02 03:04:05\n", SeedMarkdown.Write(transcript), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SameNameOnBothSeats_AlternatesSeats()
    {
        var read = SeedMarkdown.Read(SeedMarkdown.Write(Make(["Claude", "Claude"], "a", "b", "c")));

        Assert.Equal("Claude ↔ Claude", read.Title);
        Assert.Equal([1, 2, 1], read.Messages.Select(m => m.Seat));
    }

    [Fact]
    public void Read_NameWithParentheses_IsAParticipant()
    {
        var read = SeedMarkdown.Read(SeedMarkdown.Write(Make(["GPT-4o (2024-08-06)", "Claude 3.5 Sonnet"], "a", "b")));

        Assert.Equal("GPT-4o (2024-08-06)", read.Participants[0].Name);
        Assert.Equal(["GPT-4o (2024-08-06)", "Claude 3.5 Sonnet"], read.Messages.Select(m => m.Speaker));
    }

    [Fact]
    public void Read_UnescapedSeparatorInOriginalFile_UsesMessageCountToSplit()
    {
        // The original system never escaped: a message that imitates the transcript splits only where the count allows.
        const string text = "# A ↔ B\n\n**Messages:** 3\n\n---\n\n### A\n\nhello\n\n---\n\n### B\n\nfake B inside A\n\n---\n\n"
            + "### B\n\nreal B\n\n---\n\n### A\n\nbye\n\n---\n\n";

        var read = SeedMarkdown.Read(text);

        Assert.Equal(["hello\n\n---\n\n### B\n\nfake B inside A", "real B", "bye"], read.Messages.Select(m => m.Content));
        Assert.Equal([1, 2, 1], read.Messages.Select(m => m.Seat));
    }

    [Fact]
    public void Read_TrailingBlankLineTrimmedByEditor_StillReads()
    {
        var text = SeedMarkdown.Write(Make(["A", "B"], "x", "y"));

        var read = SeedMarkdown.Read(text[..^1]);

        Assert.Equal(["x", "y"], read.Messages.Select(m => m.Content));
    }

    [Theory]
    [InlineData("A\nB")]
    [InlineData("A ↔ B")]
    [InlineData("")]
    [InlineData("  ")]
    public void Write_UnwritableName_Throws(string name)
    {
        var ex = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Write(Make([name, "C"], "x")));
        Assert.StartsWith("cannot be written as seed Markdown: the participant name '", ex.Message);
    }

    [Fact]
    public void Write_ModelTalkingToItselfInTurnFromSeatOne_ReadsBackOnTheSameSeats()
    {
        var transcript = Make(["ELIZA", "ELIZA"], "a", "b", "c", "d");

        var read = SeedMarkdown.Read(SeedMarkdown.Write(transcript));

        Assert.Equal([1, 2, 1, 2], read.Messages.Select(m => m.Seat));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 2, 1 }, "message 2 is on seat 1", "would read it back on seat 2")]
    [InlineData(new[] { 2, 1, 2, 1 }, "message 1 is on seat 2", "would read it back on seat 1")]
    public void Write_SharedNameOutOfTurn_IsRefusedRatherThanReadBackOnOtherSeats(int[] seats, string message, string readAs)
    {
        // `crosstalk run --a offline:eliza --b offline:eliza --first b` wrote such a file, and it read back with every seat swapped.
        var transcript = Make(["ELIZA", "ELIZA"]);
        foreach (var seat in seats)
        {
            transcript.Messages.Add(new TranscriptMessage { Seat = seat, Speaker = "ELIZA", Content = "words" });
        }

        var ex = Assert.Throws<TranscriptFormatException>(() => SeedMarkdown.Write(transcript));

        Assert.StartsWith($"cannot be written as seed Markdown: {message}, but more than one seat is named 'ELIZA'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(readAs, ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("write it as JSON, which keeps it as it is", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotKept_NarratorOnASeat_IsNamed()
    {
        // The writer writes the seat's name: a message spoken under another name reads back as the seat's.
        var transcript = Make(["A", "B"], "a", "b");
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "Narrator", Content = "The lights dim." });

        Assert.Contains("speakers other than their seat's name (1 message)", SeedMarkdown.NotKept(transcript));
        Assert.Empty(SeedMarkdown.NotKept(Make(["A", "B"], "a", "b")));
    }

    [Fact]
    public void OriginalJsonNotKept_OneNameOutOfTurn_SaysWhichSeatSpokeIsLost()
    {
        var transcript = Make(["ELIZA", "ELIZA"]);
        foreach (var seat in new[] { 1, 1, 2 })
        {
            transcript.Messages.Add(new TranscriptMessage { Seat = seat, Speaker = "ELIZA", Content = "words" });
        }

        Assert.StartsWith("which seat spoke which message", OriginalJson.NotKept(transcript)[0], StringComparison.Ordinal);
        Assert.NotEqual([1, 1, 2], OriginalJson.Read(OriginalJson.Write(transcript)).Messages.Select(m => m.Seat));
    }

    [Fact]
    public void OriginalJsonNotKept_OpenerOnNoParticipantsSeat_DoesNotClaimOneNameOnBothSeats()
    {
        // A narrator opens on a seat of its own: model_a is still the first participant, as the writer writes it, and two
        // distinct names keep who spoke which message.
        var transcript = Make(["A", "B"]);
        transcript.Messages.Add(new TranscriptMessage { Seat = 3, Speaker = "Narrator", Content = "The lights dim." });
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "words" });
        transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "words" });

        Assert.DoesNotContain(OriginalJson.NotKept(transcript), lost => lost.StartsWith("which seat spoke", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_DistinctNamesOutOfTurn_ReadsBackOnTheSameSeats()
    {
        var transcript = Make(["A", "B"]);
        for (var i = 0; i < 3; i++)
        {
            transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "words" });
        }

        Assert.Equal([1, 1, 1], SeedMarkdown.Read(SeedMarkdown.Write(transcript)).Messages.Select(m => m.Seat));
    }

    [Fact]
    public void WriteFile_ThenReadFile_RoundTripsAndLeavesNoTemporaryFile()
    {
        var dir = Directory.CreateTempSubdirectory("crosstalk-md-");
        try
        {
            var path = Path.Combine(dir.FullName, "t.md");
            var transcript = Make(["A", "B"], "x");

            SeedMarkdown.WriteFile(transcript, path);
            SeedMarkdown.WriteFile(transcript, path);

            Assert.Equal("x", SeedMarkdown.ReadFile(path).Messages.Single().Content);
            Assert.Single(dir.GetFiles());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    internal static Transcript Make(string[] names, params string[] contents)
    {
        var transcript = new Transcript();
        for (var i = 0; i < names.Length; i++)
        {
            transcript.Participants.Add(new Participant(i + 1, names[i]));
        }

        transcript.Title = Transcript.TitleFor(transcript.Participants);
        for (var i = 0; i < contents.Length; i++)
        {
            var seat = (i % names.Length) + 1;
            transcript.Messages.Add(new TranscriptMessage { Seat = seat, Speaker = names[seat - 1], Content = contents[i] });
        }

        return transcript;
    }
}
