using System.Globalization;
using System.Text.RegularExpressions;
using Crosstalk.Storage;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// Every conversation keeps its plan, whichever command started it: it can be resumed after kill -9, forked with its own
/// seed and stop policy, and shared between processes without running twice. Run as a user would: separate processes,
/// on SQLite and on PostgreSQL.
/// </summary>
public sealed partial class EngineProcessTests
{
    private static readonly string[] RunArgs = ["run", "--seed", "123", "--end-policy", "off", "--max-messages", "30"];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Run_KilledWithSigkillThenResumed_EqualsAnUninterruptedConversation(string kind)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var reference = await TestDatabases.CreateAsync(kind, Path.Combine(dir, "ref"));
        var killed = await TestDatabases.CreateAsync(kind, dir);
        Directory.CreateDirectory(Path.Combine(dir, "ref"));
        var whole = await CrosstalkProcess.RunAsync(dir, [.. RunArgs, "--quiet", "--db", reference, "-o", "ref-out"]);
        Assert.True(whole.ExitCode == 0, whole.StandardError + whole.StandardOutput);

        using (var process = CrosstalkProcess.Start(dir, [.. RunArgs, "--token-delay", "40", "--db", killed, "-o", "out"]))
        {
            // Killed once a few messages are stored, however slow the machine is to start the process.
            await WaitUntilAsync(async () => await MessagesAsync(killed, 1) >= 5, process);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var kept = await MessagesAsync(killed, 1);
        Assert.InRange(kept, 5, 29);
        var resume = await CrosstalkProcess.RunAsync(dir, "resume", "1", "--quiet", "--db", killed);

        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput);
        Assert.Equal(await ContentsAsync(reference, 1), await ContentsAsync(killed, 1));
        Assert.Equal(30, (await ContentsAsync(killed, 1)).Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Fork_OfARunConversationAtTen_InheritsItsPlanAndReproducesMessagesElevenToTwenty(string kind)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var db = await TestDatabases.CreateAsync(kind, dir);
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--seed", "123", "--end-policy", "off", "--max-messages", "20", "--quiet", "--db", db);
        Assert.True(run.ExitCode == 0, run.StandardError);

        var fork = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", "10", "--quiet", "--db", db);

        Assert.True(fork.ExitCode == 0, fork.StandardError + fork.StandardOutput);
        Assert.Contains("seed 123", fork.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("end-token:off | max-messages:20", fork.StandardOutput, StringComparison.Ordinal);
        var parent = await ContentsAsync(db, 1);
        var child = await ContentsAsync(db, 2);
        Assert.Equal(20, child.Count);
        Assert.Equal(parent.Skip(10), child.Skip(10));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Resume_TwoProcessesOnOneRun_RunEveryConversationOnceAndBothExitZero(string kind)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var db = await TestDatabases.CreateAsync(kind, dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "name: shared\nmodels: [offline:eliza, offline:markov]\nrepetitions: 100\nstop: { max_messages: 12, end_policy: off }\nconcurrency: 16\nseed: 5\n");
        var reference = await TestDatabases.CreateAsync(kind, Path.Combine(dir, "ref"));
        Directory.CreateDirectory(Path.Combine(dir, "ref"));
        var whole = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--quiet", "--db", reference);
        Assert.True(whole.ExitCode == 0, whole.StandardError + whole.StandardOutput);

        // The run is stored whole, then its batch is killed at once: 200 conversations for two resumes to share.
        using (var batch = CrosstalkProcess.Start(dir, "batch", "exp.yaml", "--quiet", "--token-delay", "50", "--db", db))
        {
            await WaitUntilAsync(async () => await ConversationCountAsync(db) == 200, batch);
            batch.Kill(entireProcessTree: true);
            await batch.WaitForExitAsync();
        }

        int unfinished;
        await using (var before = await TranscriptStore.OpenAsync(db))
        {
            unfinished = (await before.GetUnfinishedConversationsAsync((await before.ListRunsAsync().SingleAsync()).Id)).Count;
        }

        var results = await Task.WhenAll(
            CrosstalkProcess.RunAsync(dir, "resume", "--quiet", "--token-delay", "2", "--db", db),
            CrosstalkProcess.RunAsync(dir, "resume", "--quiet", "--token-delay", "2", "--db", db));

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
            Assert.Contains("is complete", result.StandardOutput, StringComparison.Ordinal);
        }

        // Each reports how many it ran; together they ran every unfinished conversation once (a conversation run twice
        // would have failed on its second writer's first message, which the store refuses as different).
        var ran = results.Sum(r => int.Parse(RanHere().Match(r.StandardOutput).Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(unfinished, ran);
        await using var store = await TranscriptStore.OpenAsync(db);
        var runId = (await store.ListRunsAsync().SingleAsync()).Id;
        Assert.Empty(await store.GetUnfinishedConversationsAsync(runId));
        await using var expected = await TranscriptStore.OpenAsync(reference);
        Assert.Equal(await AllContentsAsync(expected), await AllContentsAsync(store));
    }

    [Fact]
    public async Task Import_SameFolderTwice_AddsNothingTheSecondTimeAndSaysSo()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "seeds"));
        foreach (var file in Directory.GetFiles(Testing.SharedFiles.Seeds))
        {
            File.Copy(file, Path.Combine(dir, "seeds", Path.GetFileName(file)));
        }

        var first = await CrosstalkProcess.RunAsync(dir, "import", "seeds");
        var second = await CrosstalkProcess.RunAsync(dir, "import", "seeds");

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Contains("Imported 2 conversation(s)", first.StandardOutput, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains("Nothing new: all 2 conversation(s)", second.StandardOutput, StringComparison.Ordinal);
        await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db"));
        Assert.Equal(2, await store.CountConversationsAsync(ConversationQuery.All));
        Assert.Single(await store.ListRunsAsync().ToListAsync());
    }

    [Fact]
    public async Task Import_ALogReadDifferentlyTheSecondTime_IsNotAddedAgain_AndTheUserIsTold()
    {
        // The same log, read again once its run's metadata sits beside it (times, exit reason): a different reading of the
        // same file, which a newer version of the reader gives too.
        var dir = CrosstalkProcess.NewTempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        File.WriteAllText(Path.Combine(dir, "logs", "gpt5_k2_cli_20250905_164241.txt"), "### GPT-5 1 ###\nwhoami\n\n### Kimi K2 2 ###\nroot\n\n### GPT-5 1 ###\nls\n");
        var first = await CrosstalkProcess.RunAsync(dir, "import", "logs");
        File.WriteAllText(
            Path.Combine(dir, "logs", "backrooms_meta.jsonl"),
            """{"models": ["gpt5", "k2"], "template": "cli", "max_turns": 3, "start": "2025-09-05T16:42:41+00:00", "end": "2025-09-05T16:43:00+00:00", "log_file": "var/backrooms_logs/gpt5_k2_cli_20250905_164241.txt", "exit_reason": "max_turns"}""" + "\n");
        File.WriteAllText(Path.Combine(dir, "logs", "gpt5_k2_cli_20250906_101010.txt"), "### GPT-5 1 ###\npwd\n\n### Kimi K2 2 ###\n/root\n");

        var second = await CrosstalkProcess.RunAsync(dir, "import", "logs");

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains("note: 1 file(s) imported before (1 conversation(s)) are read differently now", second.StandardError, StringComparison.Ordinal);
        Assert.Contains("Imported 1 conversation(s) from 2 file(s)", second.StandardOutput, StringComparison.Ordinal); // the metadata file holds none
        Assert.Contains("(1 already in the store)", second.StandardOutput, StringComparison.Ordinal);
        await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db"));
        Assert.Equal(2, await store.CountConversationsAsync(ConversationQuery.All));
    }

    [Fact]
    public async Task ImportAndAnalyze_OfManyConversations_ShowProgressOnStandardErrorOnly()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var lines = Enumerable.Range(0, 1000).Select(i =>
            "{\"format\":\"crosstalk-transcript/1\",\"title\":\"t\",\"participants\":[{\"seat\":1,\"name\":\"A\"},{\"seat\":2,\"name\":\"B\"}]," +
            $"\"messages\":[{{\"seat\":1,\"speaker\":\"A\",\"content\":\"hello number {i}\"}},{{\"seat\":2,\"speaker\":\"B\",\"content\":\"reply {i}\"}}]}}");
        await File.WriteAllLinesAsync(Path.Combine(dir, "many.jsonl"), lines);

        var import = await CrosstalkProcess.RunAsync(dir, "import", "many.jsonl");
        var analyze = await CrosstalkProcess.RunAsync(dir, "analyze", "many.jsonl", "--json");

        Assert.True(import.ExitCode == 0, import.StandardError);
        Assert.Contains("read 1,000 conversations (1,000 new)…", import.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("read 1,000", import.StandardOutput, StringComparison.Ordinal);
        Assert.True(analyze.ExitCode == 0, analyze.StandardError);
        Assert.Contains("analysed 1,000 conversations…", analyze.StandardError, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(analyze.StandardOutput);
        Assert.Equal(1000, json.RootElement.GetProperty("conversations").GetInt32());
    }

    [Fact]
    public async Task Delete_RunThenConversation_AreGoneAndNeedAYesWithoutATerminal()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\nrepetitions: 2\nstop: { max_messages: 4 }\n");
        Assert.Equal(0, (await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--quiet")).ExitCode);
        Assert.Equal(0, (await CrosstalkProcess.RunAsync(dir, "run", "--quiet", "--max-messages", "3")).ExitCode);
        string runId;
        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db")))
        {
            runId = (await store.ListRunsAsync().SingleAsync()).Id;
        }

        var asked = await CrosstalkProcess.RunAsync(dir, "delete", runId);
        var deleted = await CrosstalkProcess.RunAsync(dir, "delete", runId, "--yes");
        var single = await CrosstalkProcess.RunAsync(dir, "delete", "5", "--yes");
        var again = await CrosstalkProcess.RunAsync(dir, "delete", "5", "--yes");

        Assert.Equal(2, asked.ExitCode);
        Assert.Contains("add --yes", asked.StandardError, StringComparison.Ordinal);
        Assert.True(deleted.ExitCode == 0, deleted.StandardError);
        Assert.Contains("4 conversations", deleted.StandardOutput, StringComparison.Ordinal);
        Assert.True(single.ExitCode == 0, single.StandardError);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no conversation 5", again.StandardError, StringComparison.Ordinal);
        await using var after = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db"));
        Assert.Equal(0, await after.CountConversationsAsync(ConversationQuery.All));
    }

    [GeneratedRegex(@"(\d+) ran here")]
    private static partial Regex RanHere();

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, System.Diagnostics.Process process)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            if (await condition())
            {
                return;
            }

            Assert.False(process.HasExited, "The process ended before the test could act on it.");
            await Task.Delay(100);
        }

        Assert.Fail("Timed out waiting for the process.");
    }

    internal static async Task<int> MessagesAsync(string db, long id)
    {
        if (!db.Contains("Host=", StringComparison.Ordinal) && !File.Exists(db))
        {
            return 0;
        }

        await using var store = await TranscriptStore.OpenAsync(db);
        return (await store.GetLiveStatusAsync(id))?.MessageCount ?? 0;
    }

    private static async Task<long> ConversationCountAsync(string db)
    {
        if (!db.Contains("Host=", StringComparison.Ordinal) && !File.Exists(db))
        {
            return 0;
        }

        await using var store = await TranscriptStore.OpenAsync(db);
        return await store.CountConversationsAsync(ConversationQuery.All);
    }

    private static async Task<List<string>> ContentsAsync(string db, long id)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var transcript = (await store.GetTranscriptAsync(id))!;
        return [.. transcript.Messages.Select(m => $"{m.Seat}:{m.Content}")];
    }

    private static async Task<List<string>> AllContentsAsync(ITranscriptStore store)
    {
        var all = new List<(int Number, string Text)>();
        await foreach (var transcript in store.ReadTranscriptsAsync(ConversationQuery.All))
        {
            all.Add((int.Parse(transcript.Metadata["number"], CultureInfo.InvariantCulture),
                transcript.Title + " " + transcript.Stop!.Reason + " " + string.Join("|", transcript.Messages.Select(m => $"{m.Seat}:{m.Content}"))));
        }

        return [.. all.OrderBy(a => a.Number).Select(a => a.Text)];
    }
}
