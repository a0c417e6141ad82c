using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Imports;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Crosstalk.Transcripts.Formats.Foreign;

namespace Crosstalk.Engine.Tests.Imports;

/// <summary>
/// What other tools write, read as a user would import it: each file of Imports/Foreign (see its NOTICE for the source
/// and licence of each) gives the conversation it holds, speaker by speaker, word for word, with where it came from.
/// </summary>
public sealed class ForeignFormatTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Imports", "Foreign");

    [Fact]
    public void InspectJson_EachSampleIsAConversationWithItsPromptReasoningAndScores()
    {
        var transcripts = TranscriptFile.ReadAll(Path.Combine(Folder, "inspect-multiturn-math.json")).ToList();

        Assert.Equal(2, transcripts.Count);
        var first = transcripts[0];
        Assert.Equal("multiturn_math · sample 1", first.Title);
        Assert.Equal([("user", null), ("anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-5")], first.Participants.Select(p => (p.Name, p.Model)));
        Assert.Equal("Answer with a number only.", first.Participants[1].SystemPrompt);
        Assert.Equal(["What is 17 + 25?", "42", "Now double it.", "84"], first.Messages.Select(m => m.Content));
        Assert.Equal([1, 2, 1, 2], first.Messages.Select(m => m.Seat));
        Assert.Equal("17 + 25: 17 + 20 = 37, 37 + 5 = 42.", first.Messages[1].Reasoning);
        Assert.Equal(new DateTimeOffset(2026, 5, 14, 9, 21, 8, 114, TimeSpan.Zero).AddTicks(2030), first.Started);
        Assert.Equal("C", first.Metadata["inspect.score.match"]);
        Assert.Equal(InspectLog.Format, first.Metadata[TranscriptMetadataKeys.SourceFormat]);
        Assert.Equal("sample 1, epoch 1", first.Metadata[TranscriptMetadataKeys.SourceLocation]);
        Assert.Equal("hV7cQm3TzK9pWx2NrL5sYd", first.Metadata["inspect.eval_id"]);

        // An image is named, not dropped; redacted-or-not reasoning is kept apart from the answer.
        Assert.Equal("How many red pixels are in this image?\n[image]", transcripts[1].Messages[0].Content);
        Assert.Equal("Doubling 1 gives 2.", transcripts[1].Messages[3].Reasoning);
    }

    [Fact]
    public async Task InspectEval_DeflateAndZstandardArchives_ReadAsTheJsonLog()
    {
        var expected = TranscriptFile.ReadAll(Path.Combine(Folder, "inspect-multiturn-math.json")).Select(TranscriptJson.Write).ToList();

        var deflate = Path.Combine(Folder, "inspect-multiturn-math.eval");
        Assert.Equal(expected, InspectEvalArchive.Read(deflate).Select(TranscriptJson.Write));

        // inspect_ai 0.3.206 and later compress every entry with Zstandard (ZIP method 93).
        var zstd = Path.Combine(EngineHarness.NewFolder(), "zstd.eval");
        await File.WriteAllBytesAsync(zstd, ZstdArchive(deflate));
        Assert.Equal(expected, InspectEvalArchive.Read(zstd).Select(TranscriptJson.Write));

        // Through the importer's reader, as 'crosstalk import' reads a folder.
        var (read, skipped) = await ReadAsync(zstd);
        Assert.Empty(skipped);
        Assert.Equal(2, read.Count);
    }

    [Theory]
    [InlineData("bomb", "unpacks to more than the")]
    [InlineData("latin1", "is not UTF-8 text")]
    public async Task InspectEval_EntryLargerThanDeclaredOrNotUtf8_IsSkippedInOneLine(string damage, string expected)
    {
        // A sample that unpacks to 50 MB where the archive says a few KB (it was read whole), or holds a byte that is not
        // UTF-8 (it became U+FFFD without a word).
        var deflate = Path.Combine(Folder, "inspect-multiturn-math.eval");
        var path = Path.Combine(EngineHarness.NewFolder(), damage + ".eval");
        await File.WriteAllBytesAsync(path, ZstdArchive(deflate, (name, content) =>
            !name.StartsWith("samples/", StringComparison.Ordinal) ? (content, content.Length)
            : damage == "bomb" ? ([.. content, .. Enumerable.Repeat((byte)' ', 50_000_000)], content.Length)
            : ([.. content.AsSpan(0, content.IndexOf((byte)'"') + 1), 0xE9, .. content.AsSpan(content.IndexOf((byte)'"') + 1)], content.Length + 1)));

        var (read, skipped) = await ReadAsync(path);

        Assert.Empty(read);
        var line = Assert.Single(skipped);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectEval_ByteChangedInAStoredEntry_IsRefusedByItsChecksum_NotReadAsTheText()
    {
        // A stored (uncompressed) entry has no inflater to notice a changed byte; Inspect's own reader checks the CRC-32.
        var path = Path.Combine(EngineHarness.NewFolder(), "changed.eval");
        using (var from = ZipFile.OpenRead(Path.Combine(Folder, "inspect-multiturn-math.eval")))
        using (var to = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in from.Entries)
            {
                using var source = entry.Open();
                using var target = to.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                source.CopyTo(target);
            }
        }

        Assert.Equal(2, (await ReadAsync(path)).Read.Count);
        var bytes = await File.ReadAllBytesAsync(path);
        var header = bytes.AsSpan().IndexOf("samples/"u8) - 30;
        var data = header + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(header + 28));
        var letter = data + bytes.AsSpan(data).IndexOf((byte)'e');
        bytes[letter] = (byte)'f';
        await File.WriteAllBytesAsync(path, bytes);

        var (read, skipped) = await ReadAsync(path);

        Assert.Empty(read);
        Assert.EndsWith("is damaged (its CRC-32 checksum does not match)", Assert.Single(skipped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectEval_CutOff_IsSkippedWithOneLineNamingTheFile()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Folder, "inspect-multiturn-math.eval"));
        var cut = Path.Combine(EngineHarness.NewFolder(), "cut.eval");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);

        var (read, skipped) = await ReadAsync(cut);

        Assert.Empty(read);
        var line = Assert.Single(skipped);
        Assert.Contains("cut.eval", line, StringComparison.Ordinal);
        Assert.Contains("ZIP", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Theory]
    [InlineData("llm2llm-7d3f2a91-4c5e-4b8a-9f61-2e0c8d5b3a17.json")]
    [InlineData("inspect-multiturn-math.json")]
    public void ForeignJson_WithAKeyGivenTwice_IsRefusedNamingTheLineOfItsSecondUse(string name)
    {
        // The parser's own error for a repeated key says where nothing is; a user needs the line to fix the file.
        var text = File.ReadAllText(Path.Combine(Folder, name));
        var at = text.IndexOf("\"content\": ", StringComparison.Ordinal);
        var line = text[..at].Count(c => c == '\n') + 2;
        var path = Path.Combine(Path.GetTempPath(), "crosstalk-" + Guid.NewGuid().ToString("N")[..8] + "-" + name);
        File.WriteAllText(path, text[..at] + "\"content\": \"x\",\n" + text[at..]);
        try
        {
            var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

            Assert.StartsWith($"{path}:{line}: ", ex.Message, StringComparison.Ordinal);
            Assert.Contains("'content'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("llm2llm-7d3f2a91-4c5e-4b8a-9f61-2e0c8d5b3a17.json")]
    [InlineData("inspect-multiturn-math.json")]
    public void ForeignJson_WrittenOnOneLine_IsReadAsIndented_NotTakenForChatJsonl(string name)
    {
        // A compact llm2llm file (its "messages" list) was read as OpenAI chat JSONL: "message 1 has no 'role'".
        var indented = Path.Combine(Folder, name);
        var compact = Path.Combine(EngineHarness.NewFolder(), name);
        File.WriteAllText(compact, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(indented))!.ToJsonString() + "\n");

        Assert.Equal(
            TranscriptFile.ReadAll(indented).Select(t => string.Join("\n", t.Messages.Select(m => $"{m.Seat}: {m.Content}"))),
            TranscriptFile.ReadAll(compact).Select(t => string.Join("\n", t.Messages.Select(m => $"{m.Seat}: {m.Content}"))));
    }

    [Fact]
    public void Llm2Llm_InitiatorAndResponderOnTheirSeats_WithTimes()
    {
        var transcript = TranscriptFile.Read(Path.Combine(Folder, "llm2llm-7d3f2a91-4c5e-4b8a-9f61-2e0c8d5b3a17.json"));

        Assert.Equal([("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"), ("google/gemini-3-flash-preview", "google/gemini-3-flash-preview")], transcript.Participants.Select(p => (p.Name, p.Model)));
        Assert.Equal(6, transcript.Messages.Count);
        Assert.Equal([1, 2, 1, 2, 1, 2], transcript.Messages.Select(m => m.Seat));
        Assert.StartsWith("I'd like to talk about **tide pools** — tiny worlds", transcript.Messages[0].Content, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse("2026-01-10T09:15:05.522774Z", System.Globalization.CultureInfo.InvariantCulture), transcript.Messages[0].Timestamp);
        Assert.Equal(DateTimeOffset.Parse("2026-01-10T09:15:26.484412Z", System.Globalization.CultureInfo.InvariantCulture), transcript.Ended);
        Assert.Equal("7d3f2a91-4c5e-4b8a-9f61-2e0c8d5b3a17", transcript.Metadata["llm2llm.id"]);
        Assert.Null(transcript.Stop);
    }

    [Fact]
    public void LiminalBackrooms_AisOnSeatsInNumberOrder_TextAndCodeAsWritten()
    {
        var transcript = TranscriptFile.Read(Path.Combine(Folder, "liminal-conversation_full.html"));

        Assert.Equal([("AI-1", "Claude Opus 4.5"), ("AI-2", "Gemini 3 Pro"), ("User", null)], transcript.Participants.Select(p => (p.Name, p.Model)));
        Assert.Equal(7, transcript.Messages.Count);
        Assert.Equal([3, 1, 2, 1, 2, 1, 2], transcript.Messages.Select(m => m.Seat));
        Assert.Equal("you are both standing in an empty corridor. describe the hum.", transcript.Messages[0].Content);
        Assert.Equal("the hum is a B-flat that forgot its octave\nit lives behind the drywall & waits", transcript.Messages[1].Content);
        Assert.Equal("> fluorescent tube #4 flickers\nI count the flickers: 3, then 7, then 3 again. It's a message, or it's a ballast.", transcript.Messages[2].Content);
        Assert.Equal("a ballast IS a message\n```\n  |====|\n  | 37 |\n  |====|\n```\nroom number 37, the carpet says \"welcome back\"", transcript.Messages[3].Content);
        Assert.Equal("then we are the directory\nand the hum is <the cursor> blinking", transcript.Messages[5].Content);
        Assert.All(transcript.Messages, m => Assert.Null(m.Timestamp));
        Assert.Equal("December 03, 2025 at 01:15 PM", transcript.Metadata["liminal.writtenAt"]);
    }

    [Fact]
    public void ChatBridge_AgentsWithModelsPromptsAndRounds_HumanStarterApart()
    {
        var transcript = TranscriptFile.Read(Path.Combine(Folder, "chat-bridge-2025-11-14_20-31-07__what-makes-a-good-map.md"));

        Assert.Equal([("Cartographer", "openai:gpt-4o-mini"), ("Night Owl Poet", "anthropic:claude-3-5-sonnet-20241022"), ("Human", null)], transcript.Participants.Select(p => (p.Name, p.Model)));
        Assert.Equal(
            "You are a meticulous cartographer. Speak plainly and precisely.\n\nGuidelines:\n• Name one concrete map feature per reply.\n• Keep replies under 80 words.",
            transcript.Participants[0].SystemPrompt);
        Assert.Equal(7, transcript.Messages.Count);
        Assert.Equal([3, 1, 2, 1, 2, 1, 2], transcript.Messages.Select(m => m.Seat));
        Assert.Equal("What makes a good map? Think about maps you'd trust with your life.", transcript.Messages[0].Content);
        Assert.Equal("a legend is a promise\nwritten small in the corner\nwhere the sea monsters used to live", transcript.Messages[2].Content);
        Assert.EndsWith("An undated map is a rumour.\n\n1. Legend\n2. Scale\n3. Date", transcript.Messages[5].Content, StringComparison.Ordinal);
        Assert.Equal("then I will date this poem:\ntonight, by lamplight,\nsurveyed by a tired heart", transcript.Messages[6].Content);
        Assert.Equal(new DateTime(2025, 11, 14, 20, 31, 33), transcript.Messages[6].Timestamp!.Value.DateTime);
        Assert.Equal("0.6", transcript.Metadata["chatBridge.agentATemperature"]);
        Assert.Equal("conv_20251114_203107", transcript.Metadata["chatBridge.sessionID"]);
    }

    [Fact]
    public async Task ShareGptAndOpenAIChat_CrosstalksOwnExamples_ReadBackAsTheSeatsView()
    {
        await using var fixture = await Exports.ExportFixture.CreateAsync();
        foreach (var format in new[] { ExportFormats.ShareGpt, ExportFormats.OpenAIChat })
        {
            var (folder, result, _) = await fixture.ExportAsync(format, ids: [fixture.Single]);
            var file = Path.Combine(folder, result.Files[0]);
            var examples = TranscriptFile.ReadAll(file).ToList();

            // One example per seat that spoke: Kimi K2's view (it answers as gpt/assistant), then GPT-4o's.
            Assert.Equal(2, examples.Count);
            var kimi = examples[0];
            var asker = format == ExportFormats.ShareGpt ? "human" : "user";
            var answerer = format == ExportFormats.ShareGpt ? "gpt" : "assistant";
            Assert.Equal([answerer, asker], kimi.Participants.Select(p => p.Name));
            Assert.Equal("Be brief.", kimi.Participants[0].SystemPrompt);
            Assert.Equal([" ", "Hello! What shall we talk about?", "Tides. Goodbye for now. [END]"], kimi.Messages.Select(m => m.Content));
            Assert.Equal("line 1", kimi.Metadata[TranscriptMetadataKeys.SourceLocation]);
            Assert.Equal("line 2", examples[1].Metadata[TranscriptMetadataKeys.SourceLocation]);
        }
    }

    [Fact]
    public void OpenAIChat_AUserMessageNamedLikeARole_IsNotThatRolesSpeaker()
    {
        var path = Path.Combine(EngineHarness.NewFolder(), "named.jsonl");
        File.WriteAllText(path, "{\"messages\":[{\"role\":\"user\",\"name\":\"assistant\",\"content\":\"I am the user.\"},{\"role\":\"assistant\",\"content\":\"I am the model.\"},{\"role\":\"user\",\"name\":\"assistant\",\"content\":\"Still the user.\"}]}\n");

        var transcript = TranscriptFile.Read(path);

        Assert.Equal([1, 2, 1], transcript.Messages.Select(m => m.Seat));
        Assert.Equal(2, transcript.Participants.Count);
    }

    [Theory]
    [InlineData("{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"}]}\n{\"conversations\":[{\"from\":\"human\"}]}\n", "line 2", "no 'value'")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}\n", "line 2", "not valid JSON")]
    [InlineData("{\"messages\":[{\"role\":\"system\",\"content\":\"only a prompt\"}]}\n", "line 1", "no messages")]
    public void ChatJsonl_BadLine_RejectedNamingFileAndLine(string text, string line, string problem)
    {
        var path = Path.Combine(EngineHarness.NewFolder(), "chat.jsonl");
        File.WriteAllText(path, text);

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Contains("chat.jsonl", ex.Message, StringComparison.Ordinal);
        Assert.Contains(line.Replace("line ", ":", StringComparison.Ordinal), ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"look\",\"arguments\":\"{}\"}}]}", "Checking.\n[tool call] look({})")]
    [InlineData("{\"role\":\"assistant\",\"content\":[\"Hello\",\"there\"]}", "Hello\nthere")]
    [InlineData("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":{\"value\":\"Hi\",\"annotations\":[]}}]}", "Hi")]
    [InlineData("{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Out\"},{\"type\":\"image_url\"}]}", "Out\n[image_url]")]
    public void ChatJsonlAndInspect_EveryShapeOfContent_IsReadAsItsText_CallsKept(string assistant, string expected)
    {
        // What OpenAI's Chat Completions, Assistants and Responses APIs write: each came out empty, or without its calls.
        var folder = EngineHarness.NewFolder();
        File.WriteAllText(Path.Combine(folder, "chat.jsonl"), "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}," + assistant + "]}\n");
        File.WriteAllText(Path.Combine(folder, "inspect.json"), "{\"eval\":{\"task\":\"t\",\"model\":\"m\"},\"samples\":[{\"id\":1,\"epoch\":1,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}," + assistant.Replace("\"function\":{\"name\":\"look\",\"arguments\":\"{}\"}", "\"function\":\"look\",\"arguments\":{}", StringComparison.Ordinal) + "]}]}");

        Assert.Equal(expected, Assert.Single(TranscriptFile.ReadAll(Path.Combine(folder, "chat.jsonl"))).Messages[1].Content);
        Assert.Equal(expected, Assert.Single(TranscriptFile.ReadAll(Path.Combine(folder, "inspect.json"))).Messages[1].Content);
    }

    [Fact]
    public async Task ChatDatasetWhoseRowsNameALogFile_IsReadAsConversations_NotTakenForBackroomsMetadata()
    {
        // A dataset built from UniversalBackrooms logs may keep each row's log_file; its conversations vanished without a word.
        var path = Path.Combine(EngineHarness.NewFolder(), "rows.jsonl");
        await File.WriteAllTextAsync(path, "{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"yo\"}],\"log_file\":\"a.txt\"}\n");

        var (read, skipped) = await ReadAsync(path);

        Assert.Empty(skipped);
        Assert.Equal(["hi", "yo"], Assert.Single(read).Messages.Select(m => m.Content));
    }

    [Theory]
    [InlineData("{\"models\":[\"k2\",5,\"gpt5\"],\"log_file\":\"var/k2_gpt5.txt\"}", "'models' must be a list of model names")]
    [InlineData("{\"models\":[\"k2\",\"gpt5\"],\"max_turns\":30.5,\"log_file\":\"var/k2_gpt5.txt\"}", "'max_turns' is 30.5")]
    [InlineData("{\"models\":[\"k2\",\"gpt5\"],\"exit_reason\":7,\"log_file\":\"var/k2_gpt5.txt\"}", "'exit_reason' is 7, but it must be text or null")]
    [InlineData("{\"models\":[\"k2\",\"gpt5\"],\"start\":[2025,1,1],\"log_file\":\"var/k2_gpt5.txt\"}", "'start' is [2025,1,1], but it must be text or null")]
    public async Task BackroomsMetadata_NotWhatTheToolWrites_IsRefusedInOneLine_TheLogReadWithoutIt(string line, string problem)
    {
        // A model that is not a name was left out, moving every later model onto the seat before its own; a stop reason or
        // time of the wrong kind was dropped without a word.
        var folder = EngineHarness.NewFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "meta.jsonl"), line + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "k2_gpt5.txt"), "### Kimi K2 1 ###\nHi.\n\n### GPT-5 2 ###\nHello.\n");

        var read = new List<Transcript>();
        var skipped = new List<string>();
        await foreach (var (_, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), skipped.Add))
        {
            read.Add(transcript);
        }

        Assert.StartsWith(Path.Combine(folder, "meta.jsonl") + ":1: " + problem, Assert.Single(skipped), StringComparison.Ordinal);
        Assert.Equal(["k2", "gpt5"], Assert.Single(read).Participants.Select(p => p.Model));
    }

    [Fact]
    public void Inspect_ReasoningThatIsNotText_IsRefusedNotReadAsNone()
    {
        var path = Path.Combine(EngineHarness.NewFolder(), "inspect.json");
        File.WriteAllText(path, "{\"eval\":{\"task\":\"t\",\"model\":\"m\"},\"samples\":[{\"id\":1,\"epoch\":1,\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"reasoning\",\"reasoning\":{\"steps\":[\"add\"]}},{\"type\":\"text\",\"text\":\"42\"}]}]}]}");

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Contains("inspect.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("message 2 has a reasoning part whose 'reasoning' is not text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatJsonl_TextPartWhoseTextIsNotText_IsRefusedNotReadAsNothing()
    {
        var path = Path.Combine(EngineHarness.NewFolder(), "chat.jsonl");
        File.WriteAllText(path, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":7}]}]}\n");

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(path).ToList());

        Assert.Contains("chat.jsonl:1: message 1 has a text part whose text is not a string", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llm.json", "{\"llm1_model\": \"a\", \"llm2_model\": \"b\"}", "no 'messages' list")]
    [InlineData("inspect.json", "{\"eval\": {\"task\": \"t\"}, \"samples\": [{\"id\": 1, \"epoch\": 1.5, \"messages\": []}]}", "Inspect AI")]
    [InlineData("inspect2.json", "{\"eval\": {\"task\": \"t\"}, \"samples\": [{\"id\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"scores\": {\"m\": 3}}]}", "Inspect AI")]
    [InlineData("chat.jsonl", "{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[7]}]}\n", "OpenAI chat")]
    [InlineData("inspect3.json", "{\"eval\": {\"task\": \"t\"}, \"samples\": [{\"id\": 1, \"epoch\": 1, \"started_at\": \"13:08:38\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}]}", "'started_at' is '13:08:38', which is not an ISO-8601 time")]
    public async Task MalformedFileOfAForeignFormat_IsSkippedInOneLine_NeverACrash(string name, string text, string problem)
    {
        var path = Path.Combine(EngineHarness.NewFolder(), name);
        await File.WriteAllTextAsync(path, text);

        var (read, skipped) = await ReadAsync(path);

        Assert.Empty(read);
        var line = Assert.Single(skipped);
        Assert.Contains(name, line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void ChatBridge_SeparatorsInsideAMessage_AreKept_CrlfFilesReadAsLf()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "chat-bridge-2025-11-14_20-31-07__what-makes-a-good-map.md")).TrimEnd('\n')
            + "\n\n**Round 7**\n\n### Cartographer (2025-11-14 20:31:40)\n\nnorth\u2028south\u2029east\fwest\u0085up";
        var folder = EngineHarness.NewFolder();
        File.WriteAllText(Path.Combine(folder, "lf.md"), text);
        File.WriteAllText(Path.Combine(folder, "crlf.md"), text.Replace("\n", "\r\n", StringComparison.Ordinal));

        var lf = TranscriptFile.Read(Path.Combine(folder, "lf.md"));
        var crlf = TranscriptFile.Read(Path.Combine(folder, "crlf.md"));

        Assert.Equal("north\u2028south\u2029east\fwest\u0085up", lf.Messages[^1].Content);
        Assert.Equal(lf.Messages.Select(m => m.Content), crlf.Messages.Select(m => m.Content));
    }

    [Fact]
    public void ChatBridge_AMessageIsItsLabelsSpeaker_EvenWhereATurnIsMissing()
    {
        // Round 4 (the poet's) lost: the cartographer speaks twice in a row, and the poet's later answer is still the poet's.
        var text = File.ReadAllText(Path.Combine(Folder, "chat-bridge-2025-11-14_20-31-07__what-makes-a-good-map.md"));
        var start = text.IndexOf("**Round 4**", StringComparison.Ordinal);
        var end = text.IndexOf("**Round 5**", StringComparison.Ordinal);
        var path = Path.Combine(EngineHarness.NewFolder(), "gap.md");
        File.WriteAllText(path, text[..start] + text[end..]);

        var transcript = TranscriptFile.Read(path);

        Assert.Equal([3, 1, 2, 1, 1, 2], transcript.Messages.Select(m => m.Seat));
        Assert.Equal(["Human", "Cartographer", "Night Owl Poet", "Cartographer", "Cartographer", "Night Owl Poet"], transcript.Messages.Select(m => m.Speaker));
    }

    [Theory]
    [InlineData("### Night Owl Poet (2025-11-14 20:31:24)", "### Night Owl Poet (2025-11-14 25:31:24)")]
    [InlineData("### Night Owl Poet (2025-11-14 20:31:24)", "### Night Owl Poet (yesterday evening)")]
    [InlineData("### Human (2025-11-14 20:31:07)", "### Human (2025-02-30 20:31:07)")]
    public void ChatBridge_AHeadingWhoseTimeDoesNotRead_IsRefusedNamingItsLine(string heading, string broken)
    {
        // Read past, the heading and its message would be glued to the message before it.
        var text = File.ReadAllText(Path.Combine(Folder, "chat-bridge-2025-11-14_20-31-07__what-makes-a-good-map.md"));
        var line = text[..text.IndexOf(heading, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        var path = Path.Combine(EngineHarness.NewFolder(), "time.md");
        File.WriteAllText(path, text.Replace(heading, broken, StringComparison.Ordinal));

        var ex = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.Read(path));

        Assert.Equal(line, ex.Line);
        Assert.Contains("time.md", ex.Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd HH:mm:ss", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatBridge_AStartedTimeThatDoesNotRead_IsSaidNotPassedOver()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "chat-bridge-2025-11-14_20-31-07__what-makes-a-good-map.md"));
        var path = Path.Combine(EngineHarness.NewFolder(), "started.md");
        File.WriteAllText(path, text.Replace("**Started:** 2025-11-14 20:31:07", "**Started:** 14/11/2025 8:31 PM", StringComparison.Ordinal));

        var transcript = TranscriptFile.Read(path);

        Assert.Equal(transcript.Messages[0].Timestamp, transcript.Started);
        var warning = Assert.Single(transcript.ReadWarnings);
        Assert.Contains("started.md:6:", warning, StringComparison.Ordinal);
        Assert.Contains("14/11/2025 8:31 PM", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatBridge_LastHeaderOnTheLastLine_IsAnEmptyMessage()
    {
        var text = File.ReadAllText(Path.Combine(Folder, "chat-bridge-2025-11-14_20-31-07__what-makes-a-good-map.md")).TrimEnd('\n')
            + "\n\n**Round 7**\n\n### Cartographer (2025-11-14 20:31:40)";
        var path = Path.Combine(EngineHarness.NewFolder(), "cut.md");
        File.WriteAllText(path, text);

        var transcript = TranscriptFile.Read(path);

        Assert.Equal(8, transcript.Messages.Count);
        Assert.Equal("", transcript.Messages[^1].Content);
    }

    [Fact]
    public async Task ImportThenExport_EveryForeignConversationKeepsWhereItCameFrom()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        await foreach (var (file, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(Folder), s => Assert.Fail(s)))
        {
            await importer.AddAsync(transcript, Path.GetRelativePath(Folder, file), "import", Folder);
        }

        // Two Inspect samples from the .json and the same two from the .eval: the same conversations, imported once.
        Assert.Equal(5, importer.Imported);
        Assert.Equal(2, importer.AlreadyStored);

        var (out_, result, _) = await Exports.ExportFixture.ExportAsync(store, ExportFormats.Jsonl);
        var exported = TranscriptFile.ReadAll(Path.Combine(out_, result.Files[0])).ToList();
        Assert.Equal(
            ["chat-bridge", "inspect-ai", "inspect-ai", "liminal-backrooms", "llm2llm"],
            exported.Select(t => t.Metadata[TranscriptMetadataKeys.SourceFormat]).Order(StringComparer.Ordinal));
        Assert.All(exported, t => Assert.True(t.Metadata.ContainsKey(Provenance.Source)));
        Assert.Contains(exported, t => t.Metadata[Provenance.Source] == "liminal-conversation_full.html");
    }

    [Fact]
    public void Collect_UniversalBackroomsMediaSideFiles_AreLeftOutNotReportedAsBadTranscripts()
    {
        var folder = Directory.CreateTempSubdirectory("crosstalk-ub-side-").FullName;
        var log = Path.Combine(folder, "k2_k2_dreamsim2_20250918_112626.txt");
        File.WriteAllText(log, "### Round 1/20\n\n### Kimi K2 1 ###\nHello.\n\n### Kimi K2 2 ###\nHi.\n");
        File.WriteAllText(log + ".media.jsonl", "{\"round\": 1, \"prompt\": \"a door\"}\n");
        File.WriteAllText(log + ".media_state.json", "{\"last_round\": 1}");
        File.WriteAllText(Path.Combine(folder, "other.media_state.json"), "{}");

        var files = TranscriptSources.Collect(folder);

        Assert.Equal([log, Path.Combine(folder, "other.media_state.json")], files);
    }

    [Fact]
    public async Task UniversalBackroomsRunFile_IsReadWithItsLog_AndItsCopiesOfTheMessagesAreLeftOut()
    {
        // The shape of samhains/UniversalBackrooms' cli_with_world_interface runs (var/backrooms_logs/testing): the log,
        // a run file, and the same messages twice more as JSONL and JSON.
        var folder = Directory.CreateTempSubdirectory("crosstalk-ub-run-").FullName;
        var log = Path.Combine(folder, "opus_cli_cli_with_world_interface_20250830_211156.txt");
        File.WriteAllText(log, "\n\n### Claude 1 ###\nexo help\n");
        File.WriteAllText(Path.ChangeExtension(log, ".meta.json"), """
            {"started_at": "2025-08-30T21:11:56.727035", "template": "cli_with_world_interface", "args_models": ["opus", "cli"],
             "actors": ["Claude 1", "CLI"], "logs": {"text": "var/backrooms_logs/opus_cli_cli_with_world_interface_20250830_211156.txt"}}
            """);
        File.WriteAllText(Path.ChangeExtension(log, ".jsonl"), "{\"timestamp\": \"2025-08-30T21:11:57.944214\", \"actor\": \"Claude 1\", \"content\": \"exo help\"}\n");
        File.WriteAllText(Path.ChangeExtension(log, ".transcript.json"), "{\"meta\": {}, \"messages\": [{\"actor\": \"Claude 1\", \"content\": \"exo help\"}]}");
        var lone = Path.Combine(folder, "notes.jsonl");
        File.WriteAllText(lone, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n");

        Assert.Equal([lone, log], TranscriptSources.Collect(folder));
        var (read, skipped) = await ReadAsync(log);
        var transcript = Assert.Single(read);
        Assert.Empty(skipped);
        Assert.Equal("opus", transcript.Participants[0].Model);
        Assert.Equal("cli_with_world_interface", transcript.Metadata["template"]);
        Assert.Equal(new DateTimeOffset(2025, 8, 30, 21, 11, 56, 727, 35, TimeSpan.Zero), transcript.Started);
        Assert.Equal(TranscriptJson.Write(transcript), TranscriptJson.Write(TranscriptFile.Read(log)));

        File.WriteAllText(Path.ChangeExtension(log, ".meta.json"), "[1, 2");
        var (_, bad) = await ReadAsync(log);
        Assert.Contains("opus_cli_cli_with_world_interface_20250830_211156.meta.json", Assert.Single(bad), StringComparison.Ordinal);
    }

    private static async Task<(List<Transcript> Read, List<string> Skipped)> ReadAsync(string file)
    {
        var read = new List<Transcript>();
        var skipped = new List<string>();
        await foreach (var (_, transcript) in TranscriptSources.ReadAsync([file], skipped.Add))
        {
            read.Add(transcript);
        }

        return (read, skipped);
    }

    // The same entries, each compressed with Zstandard as ZIP method 93, in a minimal archive; change, if given, makes an
    // entry's content and the size the archive declares for it.
    private static byte[] ZstdArchive(string deflateArchive, Func<string, byte[], (byte[] Content, long Declared)>? change = null)
    {
        using var source = ZipFile.OpenRead(deflateArchive);
        using var output = new MemoryStream();
        var central = new MemoryStream();
        var count = 0;
        foreach (var entry in source.Entries)
        {
            using var reader = entry.Open();
            using var plain = new MemoryStream();
            reader.CopyTo(plain);
            var (content, declared) = change?.Invoke(entry.FullName, plain.ToArray()) ?? (plain.ToArray(), plain.Length);
            var data = new ZstdSharp.Compressor().Wrap(content).ToArray();
            var name = Encoding.UTF8.GetBytes(entry.FullName);
            var offset = (uint)output.Position;
            var local = new byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(local, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(4), 63);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(8), 93);
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(14), System.IO.Hashing.Crc32.HashToUInt32(content));
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(18), (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(22), (uint)declared);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(26), (ushort)name.Length);
            output.Write(local);
            output.Write(name);
            output.Write(data);
            var header = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 63);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), 93);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), System.IO.Hashing.Crc32.HashToUInt32(content));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)declared);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42), offset);
            central.Write(header);
            central.Write(name);
            count++;
        }

        var directoryOffset = (uint)output.Position;
        central.Position = 0;
        central.CopyTo(output);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), directoryOffset);
        output.Write(end);
        return output.ToArray();
    }
}
