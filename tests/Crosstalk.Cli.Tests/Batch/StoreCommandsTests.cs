using System.Text.Json;
using System.Text.RegularExpressions;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Tests.Batch;

public sealed class StoreCommandsTests
{
    [Fact]
    public async Task Batch_OriginalConfigJson_RunsEveryPairBothWaysWritesTheOriginalFilesAndWarnsOnUnknownKeys()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), """
            {
              "initial_message": " ",
              "max_turns": 5,
              "end_codeword": "[END]",
              "conversations_per_pair": 2,
              "system_prompt": "You talk to {other}. End with [END].",
              "max_workers": 512,
              "output_dir": "conversations",
              "verbose": true,
              "models": [
                {"name": "Eliza One", "model_id": "offline:eliza", "temperature": 0.7, "max_tokens": 300},
                {"name": "Markov", "model_id": "offline:markov"},
                {"name": "Eliza Two", "model_id": "offline:eliza"}
              ]
            }
            """);

        var result = await CrosstalkProcess.RunAsync(dir, "batch", "config.json", "--db", "x.db");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Contains("warning:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("'verbose'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("12 conversations", result.StandardOutput, StringComparison.Ordinal);
        var markdown = Directory.GetFiles(Path.Combine(dir, "conversations"), "*.md").Select(Path.GetFileName).ToList();
        Assert.Equal(12, markdown.Count);
        Assert.All(markdown, name => Assert.Matches(@"^(Eliza One|Markov|Eliza Two)_vs_(Eliza One|Markov|Eliza Two)_\d{8}_\d{6}_run[12]\.md$", name));
        Assert.Contains(markdown, name => name!.StartsWith("Markov_vs_Eliza One_", StringComparison.Ordinal));
        Assert.Contains(markdown, name => name!.StartsWith("Eliza One_vs_Markov_", StringComparison.Ordinal));
        foreach (var file in Directory.GetFiles(Path.Combine(dir, "conversations"), "*.md"))
        {
            var transcript = SeedMarkdown.ReadFile(file);
            var original = OriginalJson.ReadFile(Path.ChangeExtension(file, ".json"));
            Assert.InRange(transcript.Messages.Count, 2, 6);
            Assert.Equal(transcript.Messages.Select(m => m.Content), original.Messages.Select(m => m.Content));
            Assert.Contains("**Ended:**", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("exp.yaml", "models: [offline:eliza]\n", "plans no conversation")]
    [InlineData("exp.yaml", "models: [offline:eliza, offline:markov]\noutput_dir: taken.txt\n", "output_dir: taken.txt is a file")]
    [InlineData("config.json", "{\"models\": [{\"model_id\": \"offline:eliza\"}, {\"model_id\": \"offline:markov\"}], \"max_turns\": -5}", "'max_turns' must be at least 1")]
    public async Task Batch_ThatCannotStart_FailsInOneLineAndStoresNoRunForResumeToTrip(string name, string content, string problem)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, name), content);
        await File.WriteAllTextAsync(Path.Combine(dir, "taken.txt"), "a file");

        var batch = await CrosstalkProcess.RunAsync(dir, "batch", name, "--db", "s.db");
        var resume = await CrosstalkProcess.RunAsync(dir, "resume", "--db", "s.db");

        Assert.True(batch.ExitCode == 1, $"exit {batch.ExitCode}: {batch.StandardError}");
        Assert.Contains(problem, Assert.Single(batch.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        // Nothing was stored, and resume says so rather than that every run is complete.
        Assert.Equal(1, resume.ExitCode);
        Assert.Contains("nothing to resume", resume.StandardError + resume.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("complete", resume.StandardError + resume.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_OnAStoreThatDoesNotExist_SaysSoAndCreatesNothing()
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var result = await CrosstalkProcess.RunAsync(dir, "resume", "--db", "typo.db");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: There is no store at {Path.Combine(dir, "typo.db")}, so there is nothing to resume.", result.StandardError.Trim());
        Assert.False(File.Exists(Path.Combine(dir, "typo.db")));
    }

    [Fact]
    public async Task ImportThatReadsNothing_LeavesNoEmptyRun_AndListOfAnUnknownRunSaysSo()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "empty.md"), "");

        var missing = await CrosstalkProcess.RunAsync(dir, "import", "no-such-folder", "--db", "s.db");
        var empty = await CrosstalkProcess.RunAsync(dir, "import", "empty.md", "--db", "s.db");
        var list = await CrosstalkProcess.RunAsync(dir, "list", "--db", "s.db");
        var unknown = await CrosstalkProcess.RunAsync(dir, "list", "r-nope", "--db", "s.db");

        Assert.Equal((1, 1), (missing.ExitCode, empty.ExitCode));
        Assert.Contains("holds no conversations yet", list.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("There is no run 'r-nope'", unknown.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fork_OfASeedAfterItsEarlyEnd_GoesOnPastTheParentsStop()
    {
        // Seed 001 ends at message 3 under the default policy ([END] from Kimi K2); a fork at message 10 is made to see
        // what else the models say, so the parent's stop must not end it.
        var dir = CrosstalkProcess.NewTempDirectory();
        var import = await CrosstalkProcess.RunAsync(dir, "import", SharedFiles.Seed001, "--db", "s.db");
        Assert.True(import.ExitCode == 0, import.StandardError);

        var fork = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", "10", "--a", "offline:eliza", "--b", "offline:eliza", "--max-messages", "13", "--db", "s.db");
        var tooShort = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", "10", "--max-messages", "10", "--db", "s.db");

        Assert.True(fork.ExitCode == 0, fork.StandardError + fork.StandardOutput);

        // At least one new message (before the fix: none, stopped by the parent's [END]); the offline agents may end it
        // themselves before the cap.
        var said = Regex.Match(fork.StandardOutput.ReplaceLineEndings(" "), @"Conversation 2: (\d+) messages \(10 from the parent\)");
        Assert.True(said.Success, fork.StandardOutput);
        Assert.InRange(int.Parse(said.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 11, 13);
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("--max-messages (10) must be more than the 10 messages", tooShort.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_PerSeatFormats_KeepEverySeatThatSaidSomethingAndCountTheExamples()
    {
        // Two-message conversations: after a blank opener only the other seat spoke; after "Hello." and after no opener
        // (the first seat speaks from its system prompt) both did.
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\norders: one\nopeners: [\" \", \"Hello.\", none]\nstop: { max_messages: 2 }\n");
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", "s.db", "--quiet");
        Assert.True(batch.ExitCode == 0, batch.StandardError);
        var runId = Regex.Match(batch.StandardOutput, @"r-[0-9a-z-]+").Value;

        var export = await CrosstalkProcess.RunAsync(dir, "export", runId, "--to", "openai-chat", "-o", "chat", "--db", "s.db");

        Assert.Contains("5 example(s) from 3 conversation(s)", export.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);
        var examples = (await File.ReadAllLinesAsync(Assert.Single(Directory.GetFiles(Path.Combine(dir, "chat"))))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, examples.Count);
        Assert.All(examples, e => Assert.Equal("assistant", e.GetProperty("messages").EnumerateArray().Last().GetProperty("role").GetString()));
        Assert.Contains(examples, e => e.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("role").GetString() == "user") == 0);
    }

    [Fact]
    public async Task List_ConversationsOutsideAnyRun_AreListedWhenThereAreNoRunsAndCountedBesideRuns()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var empty = await CrosstalkProcess.RunAsync(dir, "list", "--db", "s.db");
        Assert.True(empty.ExitCode == 0, empty.StandardError);
        Assert.Contains("holds no conversations yet", empty.StandardOutput, StringComparison.Ordinal);

        // A single conversation belongs to no run: `list` right after `run` must not say the store is empty.
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--max-messages", "4", "--quiet", "--db", "s.db");
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        var single = await CrosstalkProcess.RunAsync(dir, "list", "--db", "s.db");
        Assert.Contains("No runs", single.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ELIZA ↔ Markov", single.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 of 1 matching", single.StandardOutput, StringComparison.Ordinal);

        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "name: small\nmodels: [offline:eliza, offline:markov]\nstop: { max_messages: 4 }\n");
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", "s.db");
        Assert.True(batch.ExitCode == 0, batch.StandardError);
        var both = await CrosstalkProcess.RunAsync(dir, "list", "--db", "s.db");
        Assert.Contains(Regex.Match(batch.StandardOutput, @"r-[0-9a-z-]+").Value, both.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("and 1 conversation(s) outside any run", both.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListExportAndFork_AfterABatch_ShowWriteAndContinueTheConversations()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "name: small\nmodels: [offline:eliza, offline:markov]\nrepetitions: 2\nstop: { max_messages: 8 }\n");
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", "s.db");
        Assert.True(batch.ExitCode == 0, batch.StandardError);
        var runId = Regex.Match(batch.StandardOutput, @"r-[0-9a-z-]+").Value;

        var runs = await CrosstalkProcess.RunAsync(dir, "list", "--db", "s.db");
        Assert.Equal(0, runs.ExitCode);
        Assert.Contains(runId, runs.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("small", runs.StandardOutput, StringComparison.Ordinal);
        var conversations = await CrosstalkProcess.RunAsync(dir, "list", runId, "--db", "s.db", "--model", "markov");
        Assert.Contains("4 of 4 matching", conversations.StandardOutput, StringComparison.Ordinal);
        var none = await CrosstalkProcess.RunAsync(dir, "list", "--db", "s.db", "--min-messages", "9");
        Assert.Contains("0 of 0 matching", none.StandardOutput, StringComparison.Ordinal);

        foreach (var format in new[] { "markdown", "json", "jsonl", "sharegpt", "openai-chat" })
        {
            var exported = await CrosstalkProcess.RunAsync(dir, "export", runId, "--to", format, "-o", format, "--db", "s.db");
            Assert.True(exported.ExitCode == 0, exported.StandardError);
        }

        var markdownFiles = Directory.GetFiles(Path.Combine(dir, "markdown")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["0001_ELIZA_vs_Markov.md", "0002_ELIZA_vs_Markov.md", "0003_Markov_vs_ELIZA.md", "0004_Markov_vs_ELIZA.md"], markdownFiles.Select(Path.GetFileName));

        // The seed format's header, start time included (a batch plans its conversations before they start).
        Assert.All(markdownFiles, file => Assert.Matches(@"\*\*Started:\*\* \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\n", File.ReadAllText(file)));
        var jsonFiles = Directory.GetFiles(Path.Combine(dir, "json")).Order(StringComparer.Ordinal).ToList();
        var fromJsonl = TranscriptFile.ReadAll(Assert.Single(Directory.GetFiles(Path.Combine(dir, "jsonl")))).ToList();
        Assert.Equal(4, fromJsonl.Count);
        for (var i = 0; i < 4; i++)
        {
            var fromMarkdown = TranscriptFile.Read(markdownFiles[i]);
            var fromJson = TranscriptFile.Read(jsonFiles[i]);
            Assert.Equal(fromJson.Messages.Select(m => m.Content), fromMarkdown.Messages.Select(m => m.Content));
            Assert.Equal(fromJson.Messages.Select(m => m.Content), fromJsonl[i].Messages.Select(m => m.Content));
            Assert.Equal(SeedMarkdown.Write(fromJson), await File.ReadAllTextAsync(markdownFiles[i]));
        }

        var shareGpt = (await File.ReadAllLinesAsync(Assert.Single(Directory.GetFiles(Path.Combine(dir, "sharegpt"))))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, shareGpt.Count);
        foreach (var line in shareGpt)
        {
            var turns = line.GetProperty("conversations").EnumerateArray().ToList();
            Assert.Equal("system", turns[0].GetProperty("from").GetString());
            Assert.Equal("gpt", turns[^1].GetProperty("from").GetString());
            Assert.All(turns.Skip(1), t => Assert.Contains(t.GetProperty("from").GetString(), new[] { "human", "gpt" }));
        }

        var chat = (await File.ReadAllLinesAsync(Assert.Single(Directory.GetFiles(Path.Combine(dir, "openai-chat"))))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, chat.Count);
        var first = chat[0].GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("system", first[0].GetProperty("role").GetString());
        // Seat 1 (ELIZA) sent the blank opener: in its own view that is its assistant turn, then Markov's reply is the user's.
        Assert.Equal(["assistant", "user"], first.Skip(1).Take(2).Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(" ", first[1].GetProperty("content").GetString());
        Assert.Equal(fromJsonl[0].Messages[1].Content, first[2].GetProperty("content").GetString());

        var fork = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", "3", "--b", "offline:eliza", "--max-messages", "7", "--db", "s.db");
        Assert.True(fork.ExitCode == 0, fork.StandardError + fork.StandardOutput);
        await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "s.db"));
        var parent = (await store.GetTranscriptAsync(1))!;
        var forked = (await store.GetTranscriptAsync(5))!;
        Assert.Equal("1", forked.Metadata[StoreMetadataKeys.ParentId]);
        Assert.Equal("3", forked.Metadata[StoreMetadataKeys.ForkedAt]);
        Assert.Equal(["ELIZA", "ELIZA"], forked.Participants.Select(p => p.Name));
        Assert.Equal("offline:eliza", forked.Participants[1].Model);
        Assert.Equal(parent.Messages.Take(3).Select(m => m.Content), forked.Messages.Take(3).Select(m => m.Content));
        Assert.InRange(forked.Messages.Count, 4, 7);
        Assert.NotNull(forked.Stop);
    }

    [Fact]
    public async Task Import_SeedsAndBackroomsLogs_ImportsEachConversationOnce()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var source = Path.Combine(dir, "in");
        Directory.CreateDirectory(Path.Combine(source, "backrooms"));
        foreach (var file in Directory.GetFiles(SharedFiles.Seeds))
        {
            File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(source, "backrooms", "k2_opus_1.txt"), "### k2 1 ###\nHello, who is there?\n\n### opus 2 ###\nOnly me. ^C^C\n\n### k2 1 ###\nThen goodbye.\n");
        await File.WriteAllTextAsync(Path.Combine(source, "backrooms", "meta.jsonl"), """{"models": ["k2", "opus"], "template": "backrooms", "max_turns": 3, "start": "2025-01-01T12:00:00+00:00", "end": "2025-01-01T12:04:00+00:00", "log_file": "BackroomsLogs/k2_opus_1.txt", "exit_reason": "max_turns"}""" + "\n");
        await File.WriteAllTextAsync(Path.Combine(source, "notes.txt"), "not a transcript\n");

        var result = await CrosstalkProcess.RunAsync(dir, "import", "in", "--db", "i.db");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Contains("notes.txt", result.StandardError, StringComparison.Ordinal);
        await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "i.db"));
        var transcripts = await store.ReadTranscriptsAsync(ConversationQuery.All).ToListAsync();
        Assert.Equal(3, transcripts.Count);
        var seed001 = SeedMarkdown.ReadFile(SharedFiles.Seed001);
        var imported001 = Assert.Single(transcripts, t => t.Metadata["importedFrom"] == "001_56cfc8f72ca96c78.txt");
        Assert.Equal(seed001.Messages.Select(m => m.Content), imported001.Messages.Select(m => m.Content));
        Assert.Equal(SeedMarkdown.Write(seed001), SeedMarkdown.Write(imported001));
        var backrooms = Assert.Single(transcripts, t => t.Title.Contains("k2", StringComparison.Ordinal));
        Assert.Equal(3, backrooms.Messages.Count);
        Assert.Equal(StopReasons.MaxMessages, backrooms.Stop?.Reason);
    }
}
