using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

public sealed class TranscriptJsonTests
{
    [Fact]
    public void Read_WrittenFullTranscript_KeepsEveryField()
    {
        var transcript = Full();

        var read = TranscriptJson.Read(TranscriptJson.Write(transcript));

        Assert.Equal(transcript.Participants, read.Participants);
        Assert.Equal(transcript.Stop, read.Stop);
        Assert.Equal(transcript.Metadata, read.Metadata);
        var expected = transcript.Messages[1];
        var actual = read.Messages[1];
        Assert.Equal(expected.Usage, actual.Usage);
        Assert.Equal(expected.Cost, actual.Cost);
        Assert.Equal(expected.Latency, actual.Latency);
        Assert.Equal(expected.TimeToFirstToken, actual.TimeToFirstToken);
        Assert.Equal(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Attempts, actual.Attempts);
        Assert.Equal(expected.Reasoning, actual.Reasoning);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(transcript.Messages[0].SentAs, read.Messages[0].SentAs);
    }

    [Fact]
    public void WriteUtf8_IsWritesTextInUtf8_ForTheTextAModelMayReturn()
    {
        // Import hashes these bytes to know a transcript it already has: they must stay the text's, byte for byte.
        var transcript = SeedMarkdownTests.Make(["Kimi K2", "4o"], "a lone \ud800 surrogate, \u0000 NUL, 🌀 emoji, \u202e bidi, \"quotes\" <tags> & é");

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(TranscriptJson.Write(transcript)), Utf8(transcript));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(TranscriptJson.Write(Full())), Utf8(Full()));

        // Longer than the serializer writes at once: the pieces written follow each other exactly.
        var messages = Enumerable.Range(0, 300).Select(i => $"message {i}: " + new string((char)('a' + (i % 26)), 900) + " 🌀 é").ToArray();
        var longOne = SeedMarkdownTests.Make(["Kimi K2", "4o"], messages);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(TranscriptJson.Write(longOne)), Utf8(longOne));

        static byte[] Utf8(Transcript transcript)
        {
            using var bytes = new MemoryStream();
            TranscriptJson.WriteUtf8(transcript, bytes);
            return bytes.ToArray();
        }
    }

    [Fact]
    public void Write_Transcript_StartsWithFormatMarkerAndOmitsNulls()
    {
        var json = TranscriptJson.Write(SeedMarkdownTests.Make(["Kimi K2", "4o"], " "));

        Assert.StartsWith("{\n  \"format\": \"crosstalk-transcript/1\",\n  \"title\": \"Kimi K2 ↔ 4o\",", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownFormatVersion_SaysWhichIsSupported()
    {
        var error = Assert.Throws<TranscriptFormatException>(() =>
            TranscriptJson.Read("{\"format\":\"crosstalk-transcript/9\",\"participants\":[],\"messages\":[]}", "t.json"));

        Assert.Contains("'crosstalk-transcript/9' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TranscriptFile_EveryFormat_DetectsAndReadsBack()
    {
        var dir = Directory.CreateTempSubdirectory("crosstalk-file-");
        try
        {
            var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed000);
            foreach (var format in Enum.GetValues<TranscriptFormat>().Where(TranscriptFile.CanWrite))
            {
                var path = Path.Combine(dir.FullName, "t-" + format);
                TranscriptFile.Write(transcript, path, format);

                var text = File.ReadAllText(path);
                var read = TranscriptFile.Read(path);

                Assert.Equal(format == TranscriptFormat.Jsonl ? TranscriptFormat.Json : format, TranscriptFile.Detect(path, text));
                SeedMarkdownPropertyTests.AssertSameInMarkdown(transcript, read);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TranscriptFile_ReadAllJsonl_YieldsEveryLine()
    {
        var dir = Directory.CreateTempSubdirectory("crosstalk-jsonl-");
        try
        {
            var path = Path.Combine(dir.FullName, "corpus.jsonl");
            var seeds = new[] { SeedMarkdown.ReadFile(SharedFiles.Seed000), SeedMarkdown.ReadFile(SharedFiles.Seed001) };
            TranscriptJson.WriteLinesFile(seeds, path);

            var read = TranscriptFile.ReadAll(path).ToList();

            Assert.Equal(TranscriptFormat.Jsonl, TranscriptFile.Detect(path, File.ReadAllText(path)));
            Assert.Equal([6, 97], read.Select(t => t.Messages.Count));
            Assert.Equal(File.ReadAllText(SharedFiles.Seed001), SeedMarkdown.Write(read[1]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TranscriptFile_DetectSeeds_RecognisesMarkdownAndOriginalJson()
    {
        Assert.Equal(TranscriptFormat.SeedMarkdown, TranscriptFile.Detect(SharedFiles.Seed001, File.ReadAllText(SharedFiles.Seed001)));
        Assert.Equal(TranscriptFormat.OriginalJson, TranscriptFile.Detect(SharedFiles.Seed001OriginalJson, File.ReadAllText(SharedFiles.Seed001OriginalJson)));
        Assert.Equal(97, TranscriptFile.Read(SharedFiles.Seed001OriginalJson).Messages.Count);
    }

    [Fact]
    public void TranscriptFile_DetectPlainText_Throws()
    {
        var error = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.Detect("notes.txt", "shopping list"));

        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OriginalJson_SameModelOnBothSeats_AlternatesSeats()
    {
        const string json = "{\"model_a\":\"Claude\",\"model_b\":\"Claude\",\"initial_message\":\" \",\"messages\":["
            + "{\"role\":\"user\",\"content\":\" \",\"speaker\":\"Claude\"},{\"role\":\"assistant\",\"content\":\"hi\",\"speaker\":\"Claude\"},"
            + "{\"role\":\"assistant\",\"content\":\"hello\",\"speaker\":\"Claude\"}],\"started_at\":\"2025-10-26T13:08:38\",\"ended_at\":null}";

        var read = OriginalJson.Read(json);

        Assert.Equal([1, 2, 1], read.Messages.Select(m => m.Seat));
        Assert.Null(read.Ended);
        Assert.Contains("\"started_at\": \"2025-10-26T13:08:38\",\n  \"ended_at\": null\n}", OriginalJson.Write(read), StringComparison.Ordinal);
    }

    [Fact]
    public void OriginalJson_Write_ANarratorsMessage_IsItsSeats_SoTheFileReadsBack()
    {
        // The format names no speaker but its two models: a message spoken as "Narrator" on seat 1 was written so, and the
        // file it wrote was refused by its own reader.
        var transcript = new Transcript
        {
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "Narrator", Content = "It was night." },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hello." },
            ],
        };

        var read = OriginalJson.Read(OriginalJson.Write(transcript));

        Assert.Equal(["A", "B"], read.Messages.Select(m => m.Speaker));
        Assert.Equal(["It was night.", "Hello."], read.Messages.Select(m => m.Content));
    }

    [Fact]
    public void OriginalJson_Write_ThreeSeats_IsRefusedInOneLine_NotACrash()
    {
        var transcript = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B"), new Participant(3, "C")] };

        var ex = Assert.Throws<TranscriptFormatException>(() => OriginalJson.Write(transcript));

        Assert.Contains("holds exactly two models, and this transcript has 3 participants", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OriginalJson_Write_SecondSeatOpened_IsModelA()
    {
        // `crosstalk run --first b`: seat 2 spoke the opener, and the original format's model_a is whoever did.
        var transcript = new Transcript
        {
            Participants = [new Participant(1, "ELIZA"), new Participant(2, "Markov")],
            Messages =
            [
                new TranscriptMessage { Seat = 2, Speaker = "Markov", Content = " " },
                new TranscriptMessage { Seat = 1, Speaker = "ELIZA", Content = "Hello." },
            ],
        };

        var json = OriginalJson.Write(transcript);

        Assert.Contains("\"model_a\": \"Markov\",\n  \"model_b\": \"ELIZA\"", json, StringComparison.Ordinal);
        var read = OriginalJson.Read(json);
        Assert.Equal(["Markov", "ELIZA"], read.Messages.Select(m => m.Speaker));
        Assert.Equal([1, 2], read.Messages.Select(m => m.Seat));
    }

    [Fact]
    public void OriginalJson_Write_EscapesLikePython()
    {
        var transcript = SeedMarkdownTests.Make(["A", "B"], " ", "quote \" backslash \\ tab\t cr\r del\u007f nbsp\u00a0 rocket 🚀 bell\u0007");

        var json = OriginalJson.Write(transcript);

        Assert.Contains(
            "\"content\": \"quote \\\" backslash \\\\ tab\\t cr\\r del\\u007f nbsp\\u00a0 rocket \\ud83d\\ude80 bell\\u0007\"",
            json, StringComparison.Ordinal);
        Assert.Equal(transcript.Messages[1].Content, OriginalJson.Read(json).Messages[1].Content);
    }

    private static Transcript Full()
    {
        var transcript = new Transcript
        {
            Title = "Kimi K2 ↔ 4o",
            Participants = [new Participant(1, "Kimi K2", "moonshot:kimi-k2", "You talk to another model."), new Participant(2, "4o", "openai:gpt-4o")],
            Started = new DateTimeOffset(2025, 10, 26, 12, 15, 18, 123, TimeSpan.FromHours(1)),
            Ended = new DateTimeOffset(2025, 10, 26, 12, 15, 35, TimeSpan.FromHours(1)),
            Stop = new StopInfo(StopReasons.EndToken, 2, 2, "4o ended its message with [END]."),
        };
        transcript.Metadata["experiment"] = "seed-replay";
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "Kimi K2", Content = " ", SentAs = "(blank)" });
        transcript.Messages.Add(new TranscriptMessage
        {
            Seat = 2,
            Speaker = "4o",
            Content = "Hello! [END]",
            Timestamp = new DateTimeOffset(2025, 10, 26, 12, 15, 20, 456, TimeSpan.FromHours(1)),
            Usage = new TokenUsage(120, 30, 10, Estimated: true),
            Cost = 0.000123m,
            Latency = TimeSpan.FromTicks(12_345_678),
            TimeToFirstToken = TimeSpan.FromMilliseconds(350.5),
            FinishReason = "stop",
            Reasoning = "Be brief.",
            Attempts = [new Attempt(1, "429 rate limited", 429, TimeSpan.FromMilliseconds(80), TimeSpan.FromSeconds(2))],
        });
        return transcript;
    }
}
