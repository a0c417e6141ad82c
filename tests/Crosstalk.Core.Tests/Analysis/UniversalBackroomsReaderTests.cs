using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class UniversalBackroomsReaderTests
{
    private static string Sample => Path.Combine(AppContext.BaseDirectory, "Analysis", "Backrooms");

    [Fact]
    public void Read_TemplateVariablesPrintedBeforeTheFirstRound_AreTheRunsPreambleNotAnError()
    {
        var log = "### Backrooms Run ###\nTemplate: dreamsim_self\nModels: gpt5, gpt5\nStarted: 2025-09-23T11:35:27+00:00\n\n"
            + "[backrooms] template vars resolved (dreamsim_self): {'dream_1': 'A house by the sea'}\n{\n  \"dream_1\": \"A house by the sea\"\n}\n\n"
            + "### Round 1/30\n\n### GPT-5 1 ###\nThe house appears.\n\n### GPT-5 2 ###\nThe sea answers.\n";

        var transcript = UniversalBackroomsReader.Read(log, "gpt5_gpt5_dreamsim_self.txt");

        Assert.Equal(["The house appears.", "The sea answers."], transcript.Messages.Select(m => m.Content));
        Assert.StartsWith("[backrooms] template vars resolved", transcript.Metadata["preamble"], StringComparison.Ordinal);
        Assert.EndsWith("}", transcript.Metadata["preamble"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("### Round 2/99999999999")]
    [InlineData("### Round 2/inf")]
    [InlineData("### Round 2/30")]
    public void Read_RoundLine_WithAnyCap_SeparatesRounds_NotGluedToTheMessageBeforeIt(string round)
    {
        // A cap beyond int was read as the previous speaker's text: "hi\n\n### Round 2/99999999999".
        var log = $"### Round 1/30\n\n### Claude 1 ###\nhello\n\n### Claude 2 ###\nhi\n\n{round}\n\n### Claude 1 ###\nbye\n";

        var transcript = UniversalBackroomsReader.Read(log, "run.txt");

        Assert.Equal(["hello", "hi", "bye"], transcript.Messages.Select(m => m.Content));
    }

    [Theory]
    [InlineData("2025-09-23T11:35:27.529818+00:00", "2025-09-23T11:35:27.5298180+00:00")]
    [InlineData("2025-09-23T11:35:27", "2025-09-23T11:35:27.0000000+00:00")]
    [InlineData("11:35", null)]
    [InlineData("Sep 23", null)]
    public void Read_RunBlocksStartTime_IsReadExactlyOrRefusedNamingItsLine(string started, string? read)
    {
        // A lenient parse took "11:35" for today at that time and "Sep 23" for this year's.
        var log = $"### Backrooms Run ###\nTemplate: dreamsim_self\nModels: gpt5, gpt5\nStarted: {started}\n\n### Round 1/30\n\n### GPT-5 1 ###\nHi.\n";

        if (read is not null)
        {
            Assert.Equal(read, UniversalBackroomsReader.Read(log, "run.txt").Started!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            var ex = Assert.Throws<TranscriptFormatException>(() => UniversalBackroomsReader.Read(log, "run.txt"));
            Assert.Equal($"run.txt:4: 'Started' is '{started}', which is not an ISO-8601 time", ex.Message);
        }
    }

    [Fact]
    public void Read_BannerHeadingInsideAMessageOfANumberedLog_IsTheModelsText()
    {
        var log = "### Kimi K2 1 ###\nThe story closes.\n\n### THE END ###\n\nThank you.\n\n### Kimi K2 2 ###\nIt does.\n";

        var transcript = UniversalBackroomsReader.Read(log, "k2_k2.txt");

        Assert.Equal(2, transcript.Participants.Count);
        Assert.Equal("The story closes.\n\n### THE END ###\n\nThank you.", transcript.Messages[0].Content);
    }

    [Fact]
    public void Read_FirstFormWithNameColonLines_IsReadAsSpeakers()
    {
        var log = "\nGPT4o 1:\nHello! Let me list the files.\n\n```bash\nls\n```\n\nGPT4o 2:\n```\nreadme.txt\n```\nNote 3: kept as text\n\nGPT4o 1:\nGoodbye.\n";

        var transcript = TranscriptFile.ReadAll(Write("gpt4o_gpt4o_cli_20241018_225415.txt", log)).Single();

        Assert.Equal([1, 2, 1], transcript.Messages.Select(m => m.Seat));
        Assert.Equal("```\nreadme.txt\n```\nNote 3: kept as text", transcript.Messages[1].Content);
        Assert.Equal("GPT4o ↔ GPT4o", transcript.Title);
    }

    [Theory]
    [InlineData("### Round 1/20\n\n", "the run stopped before anyone spoke (the log holds only a '### Round' line)")]
    [InlineData("\n### Media Agent ###\nMode: t2i\nPrompt: a door by a lake\n", "the run stopped before anyone spoke (the log holds only a 'Media Agent' block)")]
    public void Read_LogWhereNobodySpoke_SaysSo(string log, string problem)
    {
        var error = Assert.Throws<TranscriptFormatException>(() => TranscriptFile.ReadAll(Write("k2_k2_dreamsim3.txt", log)).ToList());

        Assert.Equal(problem, error.Problem);
    }

    private static string Write(string name, string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("crosstalk-ub-").FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

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

    // The shapes samhains/UniversalBackrooms (3118e97) writes: the run block, round lines without a closing ###, agent
    // blocks after a round's speakers, and a closing line; the content is invented.
    private const string ForkLog = """
        ### Backrooms Run ###
        Template: dreamsim3
        Models: sonnet4, k2
        Started: 2025-09-10T15:13:22.145515+00:00

        ### Round 1/30

        ### Claude 1 ###
        I see a corridor.

        ### Kimi K2 2 ###
        Then let us walk.

        ### Media Agent ###
        Mode: t2i
        Prompt:
            a corridor of light
        Result: {"content": [{"type": "image", "uri": "https://example.invalid/x.png"}]}

        ### Discord Agent ###
        Channel: backrooms (server: default)
        Message: The corridor hums.

        ### Round 2/30

        ### Claude 1 ###
        Farewell.

        Claude 1 has ended the conversation with ^C^C.

        """;

    [Fact]
    public void Read_ForkLog_RunBlockIsMetadata_AgentBlocksAreNoSeatsWords_ClosingLineIsAnInferredStop()
    {
        var transcript = UniversalBackroomsReader.Read(ForkLog, "sonnet4_k2_dreamsim3_20250910_151322.txt");

        Assert.Equal(["I see a corridor.", "Then let us walk.", "Farewell."], transcript.Messages.Select(m => m.Content));
        Assert.Equal([("Claude", "sonnet4"), ("Kimi K2", "k2")], transcript.Participants.Select(p => (p.Name, p.Model!)));
        Assert.Equal(new DateTimeOffset(2025, 9, 10, 15, 13, 22, 145, 515, TimeSpan.Zero), transcript.Started);
        Assert.Equal("dreamsim3", transcript.Metadata["template"]);
        Assert.Equal("30", transcript.Metadata["max_turns"]);
        using var agents = System.Text.Json.JsonDocument.Parse(transcript.Metadata["agentBlocks"]);
        Assert.Equal(["Media Agent", "Discord Agent"], agents.RootElement.EnumerateArray().Select(a => a.GetProperty("heading").GetString()));
        Assert.All(agents.RootElement.EnumerateArray(), a => Assert.Equal(2, a.GetProperty("afterMessage").GetInt32()));
        Assert.StartsWith("Mode: t2i\nPrompt:", agents.RootElement[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(StopReasons.EndToken, transcript.Stop?.Reason);
        Assert.Equal(1, transcript.Stop?.Seat);
        Assert.StartsWith("inferred from the log's closing line: Claude 1 has ended", transcript.Stop?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TranscriptMarkerAndEndlessRounds_ModelFromItsDisplayName_TurnCapClosing()
    {
        var log = "\nTRANSCRIPT:\n\n### Round 1/inf\n\n### GPT-5 1 ###\nHello.\n\n### GPT-5 2 ###\nHi.\n\nReached maximum number of turns (1). Conversation ended.\n";

        var transcript = UniversalBackroomsReader.Read(log, "gpt5_gpt5_dreamsim2_20250905_220552.txt");

        Assert.Equal(["Hello.", "Hi."], transcript.Messages.Select(m => m.Content));
        Assert.All(transcript.Participants, p => Assert.Equal("gpt5", p.Model));
        Assert.False(transcript.Metadata.ContainsKey("max_turns"));
        Assert.Equal(StopReasons.MaxMessages, transcript.Stop?.Reason);
        Assert.Contains("inferred", transcript.Stop?.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("opus_o1-preview_cli_20241018_213842.txt", "Claude 1", "O1 2", "opus", "o1-preview")] // the fork's 2024 logs: "Claude" names every Claude
    [InlineData("worldsim/haiku3_haiku3_worldsim_20250910_145545.txt", "Claude Sonnet 3 1", "Claude Sonnet 3 2", "haiku3", "haiku3")] // a heading the tool got wrong
    [InlineData("sonnet4_sonnet4_dreamsim_self_curated_20250920_101010.txt", "Claude 1", "Claude 2", "sonnet4", "sonnet4")] // a template with underscores
    [InlineData("k2_gpt5_dreamsim3_20250901_120000.txt", "GPT-5 1", "Kimi K2 2", "gpt5", "k2")] // a name its headings contradict: the headings
    [InlineData("sonnet3_sonnet3_dreamsim3_20251001_101010.txt", "Claude Sonnet 1", "Claude Sonnet 2", "sonnet3", "sonnet3")] // a name two keys have had
    [InlineData("notes.txt", "Claude 1", "GPT-5 2", null, "gpt5")] // not the tool's name: display names only
    [InlineData("notes.txt", "Claude Sonnet 1", "Claude Haiku 2", null, "haiku3")] // a display name of two models says neither
    [InlineData("opus_20250901_120000.txt", "Claude 1", "Claude 2", null, null)] // one key for two seats and no template
    public void Read_LogWithoutMetadata_SeatsModelsFromTheToolsFileName(string path, string first, string second, string? firstModel, string? secondModel)
    {
        var transcript = UniversalBackroomsReader.Read($"### {first} ###\nHello.\n\n### {second} ###\nHi.\n", path);

        Assert.Equal([firstModel, secondModel], transcript.Participants.Select(p => p.Model));
    }

    [Fact]
    public void Read_ClosingLineThatTextFollows_IsTheModelsWords_NotTheStop()
    {
        // The tool prints its closing line last; a model quoting it mid-message lost the line and gave the log a stop.
        var log = "### GPT-5 1 ###\nfirst\nReached maximum number of turns (3). Conversation ended.\n\nsecond\n\n### GPT-5 2 ###\nHi.\n";

        var transcript = UniversalBackroomsReader.Read(log, "gpt5_gpt5.txt");

        Assert.Equal(["first\nReached maximum number of turns (3). Conversation ended.\n\nsecond", "Hi."], transcript.Messages.Select(m => m.Content));
        Assert.Null(transcript.Stop);
    }

    [Fact]
    public void Read_HeadingsWithoutNumbers_AreTwoSeats()
    {
        var transcript = UniversalBackroomsReader.Read("### GPT-5 ###\nwhoami\n\n### GPT-4o ###\nroot\n");

        Assert.Equal(["GPT-5", "GPT-4o"], transcript.Participants.Select(p => p.Name));
        Assert.Equal(["whoami", "root"], transcript.Messages.Select(m => m.Content));
    }

    [Fact]
    public void Read_RunThatStoppedBeforeAnyoneSpoke_IsOneSentence()
    {
        var error = Assert.Throws<TranscriptFormatException>(() =>
            UniversalBackroomsReader.Read("### Backrooms Run ###\nTemplate: dreamsim2\nModels: k2\nStarted: 2025-09-18T11:01:33+00:00\n", "k2_dreamsim2.txt"));

        Assert.Equal("k2_dreamsim2.txt: the run stopped before anyone spoke (no message follows its '### Backrooms Run ###' block)", error.Message);
    }

    // A metadata line written after the fact (scripts/index_backrooms_logs.py): nulls where the tool did not know, and an
    // exit reason of "unknown" — the closing line of the log then gives the stop.
    [Fact]
    public void Metadata_NullTurnCapAndUnknownExit_AreRead_AndTheLogsClosingLineDecides()
    {
        var metadata = UniversalBackroomsMetadata.Parse("""{"dream_index": null, "models": ["k2", "k2"], "template": "dreamsim4", "max_turns": null, "start": "2025-09-07T22:45:38", "end": null, "duration_sec": null, "log_file": "var/backrooms_logs/dreamsim4/k2_k2_dreamsim4_20250907_224538.txt", "exit_reason": "unknown", "returncode": null}""");

        var transcript = UniversalBackroomsReader.Read("### Kimi K2 1 ###\nHi.\n\n### Kimi K2 2 ###\nBye.\n\nReached maximum number of turns (1). Conversation ended.\n", null, metadata);

        Assert.Null(metadata.MaxTurns);
        Assert.Equal(StopReasons.MaxMessages, transcript.Stop?.Reason);
        Assert.Equal("unknown", transcript.Metadata["exit_reason"]);
        Assert.Equal(new DateTimeOffset(2025, 9, 7, 22, 45, 38, TimeSpan.Zero), transcript.Started);
    }

    [Fact]
    public void IsLog_SeedMarkdown_IsFalse()
    {
        Assert.False(UniversalBackroomsReader.IsLog("# Kimi K2 ↔ 4o\n\n### Kimi K2\n\nHello\n"));
        Assert.True(UniversalBackroomsReader.IsLog("\n### Round 1/2\n\n### Kimi K2 1 ###\nHi\n"));
        Assert.True(UniversalBackroomsReader.IsLog(ForkLog));
    }
}
