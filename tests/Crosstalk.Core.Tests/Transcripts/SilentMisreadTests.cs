using System.Text;
using Crosstalk.Experiments;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Transcripts;

/// <summary>What a reader would otherwise change without a word: a wrong message count, bytes that are not UTF-8.</summary>
public sealed class SilentMisreadTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crosstalk-misread-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Seed_HeaderCountOneShort_IsReadByTheCountAndSaysWhichHeadingItTookAsText()
    {
        var text = File.ReadAllText(SharedFiles.Seed001).Replace("**Messages:** 97", "**Messages:** 96", StringComparison.Ordinal);
        var path = Path.Combine(_folder, "short.txt");
        File.WriteAllText(path, text);

        var read = Assert.Single(TranscriptFile.ReadAll(path));

        Assert.Equal(96, read.Messages.Count);
        var warning = Assert.Single(read.ReadWarnings);
        Assert.StartsWith($"{path}:5: the header says 96 messages and the file has 97 message headings; read as 96, with the heading at line ", warning);
    }

    [Theory]
    [InlineData("crosstalk.json", "{\"format\":\"crosstalk-transcript/1\",\"participants\":[{\"seat\":1,\"name\":\"A\"}],\n\"messages\":[{\"seat\":1,\"content\":\"a\",\"content\":\"b\"}]}", 2)]
    [InlineData("chat.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\",\"content\":\"b\"}]}", 1)]
    [InlineData("original.json", "{\"model_a\":\"A\",\"model_b\":\"B\",\"model_a\":\"C\",\"messages\":[]}", 1)]
    public void Json_WithAKeyGivenTwice_IsRefusedNamingTheLine_NotReadAsTheLastValue(string name, string text, int line)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.StartsWith($"{path}:{line}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("13:08:38", false)]
    [InlineData("Dec 5 2025", false)]
    [InlineData("2025-10-26T13:08:38+02:00", true)]
    [InlineData("2025-10-26T13:08:38.123456+02:00", true)]
    [InlineData("2025-10-26T13:08:38Z", true)]
    public void OriginalJson_TimeNotInIsoForm_IsRefused_NotGivenTodaysDate(string started, bool read)
    {
        var json = File.ReadAllText(SharedFiles.Seed001OriginalJson);
        var at = json.IndexOf("\"started_at\"", StringComparison.Ordinal);
        Assert.True(at > 0);
        var valueStart = json.IndexOf('"', json.IndexOf(':', at) + 1);
        var valueEnd = json.IndexOf('"', valueStart + 1);
        var path = Path.Combine(_folder, "when.json");
        File.WriteAllText(path, json[..(valueStart + 1)] + started + json[valueEnd..]);

        if (read)
        {
            Assert.Equal(DateTimeOffset.Parse(started, System.Globalization.CultureInfo.InvariantCulture), TranscriptFile.Read(path).Started);
        }
        else
        {
            var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.Read(path));
            Assert.Contains($"'started_at' is '{started}', which is not an ISO-8601 time", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("**Ended** 2025-10-26 12:15:35")]
    [InlineData("**ended:** 2025-10-26 12:15:35")]
    [InlineData("**Ended :** 2025-10-26 12:15:35")]
    public void Seed_MistypedHeaderField_IsReadWithAWarningNamingTheLine_NotDroppedInSilence(string mistyped)
    {
        var path = Path.Combine(_folder, "mistyped.txt");
        File.WriteAllText(path, File.ReadAllText(SharedFiles.Seed000).Replace("**Ended:** 2025-10-26 12:15:35", mistyped, StringComparison.Ordinal));

        var read = Assert.Single(TranscriptFile.ReadAll(path));

        Assert.Null(read.Ended);
        var warning = Assert.Single(read.ReadWarnings);
        Assert.StartsWith($"{path}:4: the header field '", warning, StringComparison.Ordinal);
        Assert.EndsWith("' is not one this reader knows (Started:, Ended:, Messages:); its line is ignored", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("**Started:** 2025-10-26 12:15:18\n", "Started", 3)]
    [InlineData("**Messages:** 6\n", "Messages", 5)]
    public void Seed_HeaderFieldGivenTwice_IsRefusedNamingBothLines_NotReadAsTheLast(string field, string name, int first)
    {
        var path = Path.Combine(_folder, "twice.txt");
        var text = File.ReadAllText(SharedFiles.Seed000);
        var headerEnd = text.IndexOf("**Messages:**", StringComparison.Ordinal);
        headerEnd = text.IndexOf('\n', headerEnd) + 1;
        File.WriteAllText(path, text[..headerEnd] + field + text[headerEnd..]);

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Equal($"{path}:6: a second '**{name}:**' line (the first is line {first}); keep one", ex.Message);
    }

    [Theory]
    [InlineData("crosstalk.json", "\"ended\"", "\"endd\"", 15, "'endd' is not a field of crosstalk-transcript/1")]
    [InlineData("crosstalk.json", "\"speaker\"", "\"speeker\"", 19, "'speeker' in $.messages[0] is not a field of crosstalk-transcript/1")]
    public void Json_MistypedField_IsRefusedNamingTheLine_NotSkipped(string name, string field, string mistyped, int line, string problem)
    {
        var json = TranscriptJson.Write(SeedMarkdown.ReadFile(SharedFiles.Seed000));
        var at = json.IndexOf(field, StringComparison.Ordinal);
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json[..at] + mistyped + json[(at + field.Length)..]);

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.StartsWith($"{path}:{line}: {problem} (mistyped?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jsonl_MistypedField_IsRefusedNamingItsLine()
    {
        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        var lines = new StringWriter();
        TranscriptJson.WriteLine(lines, seed);
        TranscriptJson.WriteLine(lines, seed);
        var text = lines.ToString();
        var second = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        var path = Path.Combine(_folder, "two.jsonl");
        File.WriteAllText(path, text[..second] + text[second..].Replace("\"title\"", "\"titel\"", StringComparison.Ordinal));

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.StartsWith($"{path}:2: 'titel' is not a field of crosstalk-transcript/1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherToolsJsonl_IsRefusedAsAFormatNotRead_NotAsAMistypedKey()
    {
        // The shape of dtch1997/llm-attractors' results/trajectories.jsonl: one model and a scripted user, in "turns".
        var path = Path.Combine(_folder, "trajectories.jsonl");
        File.WriteAllText(path, "{\"run_id\": 0, \"model\": \"claude-opus-4-6\", \"turns\": [{\"role\": \"user\", \"text\": \"boom\", \"step\": 0}]}\n{\"run_id\": 1, \"model\": \"claude-opus-4-6\", \"turns\": []}\n");

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Equal($"{path}:1: 'run_id' is not a field of crosstalk-transcript/1, and the object does not say which format it is: another tool's JSON, not one Crosstalk reads? (those it reads: docs/datasets.md, Import)", ex.Message);
    }

    [Theory]
    [InlineData("\"ended_at\"", "\"endedat\"", "the key 'endedat' is not one the original system writes")]
    [InlineData("\"role\"", "\"rolle\"", "the key 'rolle' in message 1 is not one the original system writes")]
    [InlineData("\"assistant\"", "\"a\u202Essistant\"", "message 2's role 'a\u202Essistant' is not one the original system writes (user, assistant)")]
    public void OriginalJson_UnknownKeyOrRole_IsReadWithAWarningNamingIt_NotDroppedInSilence(string key, string mistyped, string warning)
    {
        var json = File.ReadAllText(SharedFiles.Seed001OriginalJson);
        var at = json.IndexOf(key, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "mistyped.original.json");
        File.WriteAllText(path, json[..at] + mistyped + json[(at + key.Length)..]);

        var read = Assert.Single(TranscriptFile.ReadAll(path));

        Assert.StartsWith($"{path}: {warning}", Assert.Single(read.ReadWarnings), StringComparison.Ordinal);
        Assert.Empty(Assert.Single(TranscriptFile.ReadAll(SharedFiles.Seed001OriginalJson)).ReadWarnings);
    }

    [Fact]
    public void TextBeyondWhatOneStringHolds_IsRefusedInOneLine_NotReadUntilMemoryRunsOut()
    {
        // What 'show /dev/zero' or a pipe that never ends met: the rest of a file read whole is counted as it comes.
        var ex = Assert.Throws<TranscriptFormatException>(() => AtomicFile.ReadRest(new StringReader(new string('a', 100)), "endless.md", "aaa", limit: 50));

        Assert.Equal("endless.md: the file is larger than 1 GiB, and a file of this format is read whole; split it, or write it as JSONL (read a line at a time)", ex.Message);
        Assert.Equal(new string('a', 100), AtomicFile.ReadRest(new StringReader(new string('a', 100)), "small.md", ""));

        // Read in small pieces after the start already read: nothing of either is lost or doubled.
        var rest = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i} ✓\n"));
        Assert.Equal("start ↔ " + rest, AtomicFile.ReadRest(new StringReader(rest), "long.md", "start ↔ "));
        var longStart = string.Concat(Enumerable.Range(0, 2000).Select(i => $"start {i} ↔\n"));
        Assert.Equal(longStart + rest, AtomicFile.ReadRest(new StringReader(rest), "long.md", longStart));
    }

    [Theory]
    [InlineData("\"content\": \"Hello! How are you feeling today?\"", "\"content\": \"Hello! How are you feeling today?\", \"usage\": {\"inputTokens\": 5, \"outputTokens\": -3}", "message 2's usage holds a negative token count")]
    [InlineData("\"content\": \"Hello! How are you feeling today?\"", "\"content\": \"Hello! How are you feeling today?\", \"cost\": -0.5", "message 2's cost is negative")]
    [InlineData("\"content\": \"Hello! How are you feeling today?\"", "\"content\": \"Hello! How are you feeling today?\", \"cost\": 79228162514264337593543950335", "message 2's cost is more than 1,000,000 dollars")]
    [InlineData("\"ended\":", "\"stop\": {\"reason\": \"end-token\", \"seat\": 99, \"message\": 2},\n  \"ended\":", "the stop names seat 99, where no participant sits")]
    [InlineData("\"ended\":", "\"stop\": {\"reason\": \"end-token\", \"seat\": 1, \"message\": -1},\n  \"ended\":", "the stop names message -1, but the transcript has 6")]
    public void Json_ValueNoConversationCanHave_IsRefused_NotShownAsIs(string find, string replace, string problem)
    {
        var json = TranscriptJson.Write(SeedMarkdown.ReadFile(SharedFiles.Seed000));
        Assert.Contains(find, json, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "odd.json");
        File.WriteAllText(path, json.Replace(find, replace, StringComparison.Ordinal));

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Equal($"{path}:1: {problem}", ex.Message);
    }

    [Fact]
    public void Seed_MixedLineEnds_AreRefusedNamingTheLine_NotEveryCrlfTurnedIntoLf()
    {
        // A title line saved with \r\n made the reader turn every \r\n into \n, those inside messages of an \n file too.
        var text = File.ReadAllText(SharedFiles.Seed000).Replace("Hello! How are you feeling today?", "Hello!\r\nHow are you?", StringComparison.Ordinal);
        var path = Path.Combine(_folder, "mixed.txt");
        File.WriteAllText(path, text.Replace("# Kimi K2 ↔ 4o\n", "# Kimi K2 ↔ 4o\r\n", StringComparison.Ordinal));

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Equal($"{path}:2: the file mixes line ends (\\r\\n on its title line, \\n alone on this one); save it with one kind", ex.Message);
        var windows = Path.Combine(_folder, "windows.txt");
        File.WriteAllText(windows, File.ReadAllText(SharedFiles.Seed000).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(6, Assert.Single(TranscriptFile.ReadAll(windows)).Messages.Count);
    }

    [Fact]
    public void OriginalJson_Written_KeepsATimesOffset_AndTheMachinesClockTimesAsTheOriginalWroteThem()
    {
        // Tokyo's 09:00 written without its offset read back as 09:00 on this machine's clock: hours off, without a word.
        var transcript = TranscriptFile.Read(SharedFiles.Seed001OriginalJson);
        var local = transcript.Started!.Value;
        var tokyo = new DateTimeOffset(2025, 7, 1, 9, 0, 0, TimeSpan.FromHours(TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.FromHours(9) ? 10 : 9));
        transcript.Ended = tokyo;

        var written = OriginalJson.Write(transcript);
        var path = Path.Combine(_folder, "zoned.json");
        File.WriteAllText(path, written);
        var read = TranscriptFile.Read(path);

        Assert.Equal((tokyo, tokyo.Offset), (read.Ended!.Value, read.Ended.Value.Offset));
        Assert.Equal(local, read.Started);
        Assert.Contains(tokyo.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture), written, StringComparison.Ordinal);
        Assert.Contains("\"started_at\": \"" + local.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "\"", written, StringComparison.Ordinal);
    }

    [Fact]
    public void CrosstalkJson_ALoneSurrogateEscape_IsRefusedSayingWhatItIs()
    {
        // It was "a value of another kind belongs here", of a string where a string belongs.
        var path = Path.Combine(_folder, "half.json");
        File.WriteAllText(path, "{\"participants\": [{\"seat\": 1, \"name\": \"A\"}],\n\"messages\": [{\"seat\": 1, \"content\": \"a\\ud800b\"}]}");

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.Read(path));

        Assert.Contains("$.messages[0].content", ex.Message, StringComparison.Ordinal);
        Assert.Contains("an escape that is half of a character, a lone \\uD800–\\uDFFF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_CountRight_ReadsWithoutWarning()
    {
        Assert.Empty(Assert.Single(TranscriptFile.ReadAll(SharedFiles.Seed001)).ReadWarnings);
    }

    [Fact]
    public void Seeds_WithoutAStopRecord_SayWhatTheirFilesShowAsInferred()
    {
        var capped = TranscriptFile.Read(SharedFiles.Seed001);
        var ended = TranscriptFile.Read(SharedFiles.Seed000);
        var original = TranscriptFile.Read(SharedFiles.Seed001OriginalJson);

        Assert.Equal((StopReasons.MaxMessages, 97), (capped.Stop!.Reason, capped.Stop.Message));
        Assert.StartsWith("inferred: 97 messages, the original system's cap", capped.Stop.Detail, StringComparison.Ordinal);
        Assert.Equal(capped.Stop, original.Stop);
        Assert.Equal((StopReasons.EndToken, 2, 6), (ended.Stop!.Reason, ended.Stop.Seat, ended.Stop.Message));
        Assert.StartsWith("inferred: the last message ends with [END]", ended.Stop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_WithoutAnEndTime_IsLeftUnfinished()
    {
        var text = File.ReadAllText(SharedFiles.Seed000).Replace("**Ended:** ", "**Ended-was:** ", StringComparison.Ordinal);
        var path = Path.Combine(_folder, "cut.txt");
        File.WriteAllText(path, string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("**Ended-was:**", StringComparison.Ordinal))));

        var read = TranscriptFile.Read(path);

        Assert.Null(read.Ended);
        Assert.Null(read.Stop);
    }

    [Fact]
    public void Seed_SavedAsUtf16_ReadsAsTheSame_ALoneSurrogateInItIsRefused()
    {
        var text = File.ReadAllText(SharedFiles.Seed001);
        var wide = Path.Combine(_folder, "wide.txt");
        File.WriteAllText(wide, text, new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var broken = Path.Combine(_folder, "broken.txt");
        var bytes = new UnicodeEncoding(bigEndian: false, byteOrderMark: true).GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();
        var at = 2 + Encoding.Unicode.GetByteCount(text[..text.IndexOf("safety", StringComparison.Ordinal)]);
        (bytes[at], bytes[at + 1]) = ((byte)0x00, (byte)0xD8); // a high surrogate with no low one after it
        File.WriteAllBytes(broken, bytes);

        Assert.Equal(TranscriptFile.Read(SharedFiles.Seed001).Messages.Select(m => m.Content), TranscriptFile.Read(wide).Messages.Select(m => m.Content));
        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.Read(broken));
        Assert.Contains("is not valid UTF-16", ex.Message, StringComparison.Ordinal);

        // As import, show and analyze read it: a small file is read through the streaming probe.
        Assert.Equal(TranscriptFile.Read(SharedFiles.Seed001).Messages.Select(m => m.Content), Assert.Single(TranscriptFile.ReadAll(wide)).Messages.Select(m => m.Content));
        var streamed = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(broken).ToList());
        Assert.Equal(ex.Message, streamed.Message);
        Assert.StartsWith($"{broken}: the file is not valid UTF-16 (at byte ", streamed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_SavedAsUtf32BigEndian_ReadsAsTheSame()
    {
        var text = File.ReadAllText(SharedFiles.Seed001);
        var wide = Path.Combine(_folder, "utf32be.txt");
        File.WriteAllText(wide, text, new UTF32Encoding(bigEndian: true, byteOrderMark: true));

        Assert.Equal(TranscriptFile.Read(SharedFiles.Seed001).Messages.Select(m => m.Content), Assert.Single(TranscriptFile.ReadAll(wide)).Messages.Select(m => m.Content));
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("long seed")]
    [InlineData("long jsonl")]
    public void File_ReadFromAPipe_ReadsAsTheSame(string kind)
    {
        // crosstalk show <(curl …): the file can neither go back to its start after its first bytes are looked at nor be
        // opened again (beyond the first 64 K characters it is read on from the same reader, JSONL too).
        var line = TranscriptJson.Write(SeedMarkdownTests.Make(["A", "B"], "hi", "hello")).ReplaceLineEndings(" ") + "\n";
        var text = kind switch
        {
            "seed" => File.ReadAllText(SharedFiles.Seed001),
            "long seed" => SeedMarkdown.Write(SeedMarkdownTests.Make(["A", "B"], string.Concat(Enumerable.Repeat("a long line of text\n", 5_000)), "reply")),
            _ => string.Concat(Enumerable.Repeat(line, (100_000 / line.Length) + 1)),
        };
        var expected = TranscriptFile.ReadAll(Write("file.txt", text)).SelectMany(t => t.Messages).Select(m => m.Content).ToList();

        var read = ReadPipe(Encoding.UTF8.GetBytes(text), () => TranscriptFile.ReadAll(Path.Combine(_folder, "pipe")).ToList());

        Assert.True(text.Length > 64 * 1024 || kind == "seed");
        Assert.Equal(expected, read.SelectMany(t => t.Messages).Select(m => m.Content));
    }

    [Fact]
    public void Pipe_WithAByteThatIsNotUtf8_IsRefusedNamingItsLine()
    {
        var bytes = Encoding.UTF8.GetBytes("# A ↔ B\n\n**Messages:** 1\n\n---\n\n### A\n\ncaf").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var pipe = Path.Combine(_folder, "pipe");

        var ex = Assert.Throws<TranscriptFormatException>(() => ReadPipe(bytes, () => TranscriptFile.ReadAll(pipe).ToList()));

        Assert.StartsWith($"{pipe}:9: the file is not valid UTF-8 (0xE9 at byte ", ex.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    // What read gives with the bytes written to the named pipe "pipe" of the test's folder meanwhile.
    private T ReadPipe<T>(byte[] bytes, Func<T> read)
    {
        var fifo = Path.Combine(_folder, "pipe");
        using (var make = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            make.WaitForExit();
            Assert.Equal(0, make.ExitCode);
        }

        var writer = Task.Run(() => File.WriteAllBytes(fifo, bytes));
        try
        {
            return HangGuard.Run(read, "reading a pipe");
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            // What the reading threw, as the caller would see it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            throw;
        }
        finally
        {
            HangGuard.Run(async () => { await writer; return 0; }, "writing the pipe");
            File.Delete(fifo);
        }
    }

    [Fact]
    public void Seed_WithAByteOrderMark_AByteThatIsNotUtf8IsRefusedNamingItsLine()
    {
        var path = Path.Combine(_folder, "bom-latin1.txt");
        var before = "# A ↔ B\n\n**Started:** 2025-10-26 13:08:38\n**Messages:** 2\n\n---\n\n### A\n\ncaf";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(before)).Concat(new byte[] { 0xE9 })
            .Concat(Encoding.UTF8.GetBytes("\n\n---\n\n### B\n\nok\n\n---\n")).ToArray();
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Equal($"{path}:10: the file is not valid UTF-8 (0xE9 at byte {3 + Encoding.UTF8.GetByteCount(before)}); save it as UTF-8", ex.Message);
    }

    [Fact]
    public void Jsonl_SavedAsUtf16_IsRead_ALoneSurrogateFarIntoItIsRefused()
    {
        var line = TranscriptJson.Write(new Transcript { Participants = [new Participant(1, "Ä"), new Participant(2, "B")], Messages = [new TranscriptMessage { Seat = 1, Speaker = "Ä", Content = "grüß dich 🌀" }] })
            .ReplaceLineEndings(" ");
        var text = string.Concat(Enumerable.Repeat(line + "\n", 2_000));
        var wide = Path.Combine(_folder, "wide.jsonl");
        File.WriteAllText(wide, text, new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var bytes = File.ReadAllBytes(wide);
        var at = bytes.Length - 40;
        (bytes[at], bytes[at + 1]) = ((byte)0x00, (byte)0xDC); // a low surrogate with no high one before it
        var broken = Path.Combine(_folder, "broken.jsonl");
        File.WriteAllBytes(broken, bytes);

        Assert.All(TranscriptFile.ReadAll(wide), t => Assert.Equal("grüß dich 🌀", t.Messages[0].Content));
        Assert.Equal(2_000, TranscriptFile.ReadAll(wide).Count());
        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(broken).ToList());
        Assert.Equal($"{broken}: the file is not valid UTF-16 (at byte {at}); save it as UTF-8", ex.Message);
    }

    [Fact]
    public void Seed_ByteThatIsNotUtf8_IsRefusedNamingItsLine()
    {
        var path = Path.Combine(_folder, "latin1.txt");
        var bytes = Encoding.UTF8.GetBytes("# A ↔ B\n\n**Started:** 2025-10-26 13:08:38\n**Messages:** 2\n\n---\n\n### A\n\ncaf").Concat(new byte[] { 0xE9 })
            .Concat(Encoding.UTF8.GetBytes("\n\n---\n\n### B\n\nok\n\n---\n")).ToArray();
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Equal($"{path}:10: the file is not valid UTF-8 (0xE9 at byte {Encoding.UTF8.GetByteCount("# A ↔ B\n\n**Started:** 2025-10-26 13:08:38\n**Messages:** 2\n\n---\n\n### A\n\ncaf")}); save it as UTF-8", ex.Message);
    }

    [Fact]
    public void Jsonl_ByteThatIsNotUtf8FarIntoALargeFile_IsRefusedNamingItsExactLine()
    {
        var path = Path.Combine(_folder, "big.jsonl");
        var line = TranscriptJson.Write(new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")], Messages = [new TranscriptMessage { Seat = 1, Speaker = "A", Content = "hi" }] })
            .ReplaceLineEndings(" ");
        using (var stream = File.Create(path))
        {
            for (var i = 0; i < 20_000; i++)
            {
                stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
            }

            stream.Write([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}', (byte)'\n']);
        }

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.StartsWith($"{path}:20001: the file is not valid UTF-8 (0xC3 at byte ", ex.Message);
    }

    [Fact]
    public void Utf8WithByteOrderMark_AndUtf16_AreRead()
    {
        var json = TranscriptJson.Write(new Transcript { Participants = [new Participant(1, "Ä"), new Participant(2, "B")], Messages = [new TranscriptMessage { Seat = 1, Speaker = "Ä", Content = "grüß dich" }] });
        var bom = Path.Combine(_folder, "bom.json");
        var utf16 = Path.Combine(_folder, "utf16.json");
        File.WriteAllText(bom, json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        File.WriteAllText(utf16, json, Encoding.Unicode);

        Assert.Equal("grüß dich", Assert.Single(TranscriptFile.ReadAll(bom)).Messages[0].Content);
        Assert.Equal("grüß dich", Assert.Single(TranscriptFile.ReadAll(utf16)).Messages[0].Content);
    }

    [Fact]
    public void ExperimentFile_SavedAsLatin1_IsRefusedNamingItsLine()
    {
        var path = Path.Combine(_folder, "exp.yaml");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("models: [offline:eliza, offline:markov]\nname: caf"), 0xE9, (byte)'\n']);

        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Load(path));

        Assert.Equal($"{path}:2: the file is not valid UTF-8 (0xE9 at byte 49); save it as UTF-8", ex.Message);
    }
}
