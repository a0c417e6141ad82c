using System.Text.RegularExpressions;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Xunit.Abstractions;

namespace Crosstalk.Cli.Tests.Batch;

public sealed partial class BatchKillResumeTests(ITestOutputHelper output)
{
    internal const string Experiment = """
        name: kill-test
        models: [offline:eliza, offline:markov]
        repetitions: 100
        stop: { max_messages: 24 }
        concurrency: 32
        seed: 7
        """;

    [Fact]
    public async Task Batch_WithARelativeReplayPath_KilledThenResumedFromAnotherFolder_Finishes()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "seeds"));
        Directory.CreateDirectory(Path.Combine(dir, "elsewhere"));
        File.Copy(SharedFiles.Seed001, Path.Combine(dir, "seeds", "s.txt"));
        await File.WriteAllTextAsync(
            Path.Combine(dir, "exp.yaml"),
            "models: [\"replay:seeds/s.txt#1\", \"replay:seeds/s.txt#2\"]\nstop: { max_messages: 40, end_policy: off }\n");

        using (var process = CrosstalkProcess.Start(dir, "batch", "exp.yaml", "--db", "k.db", "--quiet", "--token-delay", "5"))
        {
            // Killed once the run is stored and under way, however slow the machine is to start the process.
            for (var waited = 0; waited < 150 && !await HasRunAsync(Path.Combine(dir, "k.db")); waited++)
            {
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(process.HasExited, "The batch ended before it could be killed.");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        async Task<int> UnfinishedAsync()
        {
            await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "k.db"));
            return (await store.GetUnfinishedConversationsAsync(await SingleRunIdAsync(Path.Combine(dir, "k.db")))).Count;
        }

        Assert.True(await UnfinishedAsync() > 0);

        // The plan holds the replay file's absolute path, so a resume from another folder still finds it.
        var resume = await CrosstalkProcess.RunAsync(Path.Combine(dir, "elsewhere"), "resume", "--db", Path.Combine(dir, "k.db"), "--quiet");

        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput);
        Assert.Equal(0, await UnfinishedAsync());
    }

    [Fact]
    public async Task Batch_KilledWithSigkillAtRandomMomentsAndResumed_ExportsEqualAnUninterruptedRun()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), Experiment);
        var seed = Environment.TickCount;
        output.WriteLine($"random seed {seed}");
        var random = new Random(seed);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reference = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", "ref.db", "--quiet", "--token-delay", "1");
        Assert.True(reference.ExitCode == 0, reference.StandardError + reference.StandardOutput);

        // Kills land anywhere from process start-up to well into the run; each resume has less left to do.
        var longest = (int)Math.Max(500, clock.ElapsedMilliseconds * 0.3);
        output.WriteLine($"uninterrupted run {clock.ElapsedMilliseconds} ms; kills within {longest} ms");

        var killsMidRun = 0;
        var sawUnfinished = false;
        for (var kill = 0; kill < 30 && killsMidRun < 8 && !await IsCompleteAsync(Path.Combine(dir, "kill.db")); kill++)
        {
            var args = await HasRunAsync(Path.Combine(dir, "kill.db"))
                ? new[] { "resume", "--db", "kill.db", "--quiet", "--token-delay", "1" }
                : ["batch", "exp.yaml", "--db", "kill.db", "--quiet", "--token-delay", "1"];
            using var process = CrosstalkProcess.Start(dir, args);
            await Task.Delay(random.Next(150, longest));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killsMidRun++;
            }

            await process.WaitForExitAsync();
            sawUnfinished |= await CountUnfinishedAsync(Path.Combine(dir, "kill.db")) > 0;
            output.WriteLine($"kill {kill}: {string.Join(' ', args)} → exited {process.ExitCode}");
        }

        Assert.True(killsMidRun >= 4, $"Only {killsMidRun} kill(s) landed while the batch was running.");
        Assert.True(sawUnfinished, "No kill left an unfinished conversation behind.");

        for (var attempt = 0; attempt < 3 && !await IsCompleteAsync(Path.Combine(dir, "kill.db")); attempt++)
        {
            var args = await HasRunAsync(Path.Combine(dir, "kill.db")) ? new[] { "resume", "--db", "kill.db", "--quiet" } : ["batch", "exp.yaml", "--db", "kill.db", "--quiet"];
            var resumed = await CrosstalkProcess.RunAsync(dir, args);
            Assert.True(resumed.ExitCode == 0, resumed.StandardError + resumed.StandardOutput);
        }

        Assert.True(await IsCompleteAsync(Path.Combine(dir, "kill.db")));
        await AssertIntegrityAsync(Path.Combine(dir, "kill.db"));

        var referenceRun = await SingleRunIdAsync(Path.Combine(dir, "ref.db"));
        var killedRun = await SingleRunIdAsync(Path.Combine(dir, "kill.db"));
        foreach (var (db, run, folder) in new[] { ("ref.db", referenceRun, "ref-md"), ("kill.db", killedRun, "kill-md") })
        {
            var exported = await CrosstalkProcess.RunAsync(dir, "export", run, "--to", "markdown", "-o", folder, "--db", db);
            Assert.True(exported.ExitCode == 0, exported.StandardError);
        }

        var referenceFiles = Directory.GetFiles(Path.Combine(dir, "ref-md")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var killedFiles = Directory.GetFiles(Path.Combine(dir, "kill-md")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(200, referenceFiles.Count);
        Assert.Equal(referenceFiles, killedFiles);
        foreach (var name in referenceFiles)
        {
            var expected = WithoutTimes(await File.ReadAllTextAsync(Path.Combine(dir, "ref-md", name!)));
            var actual = WithoutTimes(await File.ReadAllTextAsync(Path.Combine(dir, "kill-md", name!)));
            Assert.True(expected == actual, $"{name} differs after kill -9 and resume");
        }

        var referenceStops = await StopsAsync(Path.Combine(dir, "ref.db"));
        var killedStops = await StopsAsync(Path.Combine(dir, "kill.db"));
        Assert.Equal(referenceStops, killedStops);
    }

    private static string WithoutTimes(string markdown) => TimeLines().Replace(markdown, "");

    [GeneratedRegex(@"^\*\*(Started|Ended):\*\* .*\n", RegexOptions.Multiline)]
    private static partial Regex TimeLines();

    private static async Task<bool> HasRunAsync(string db)
    {
        if (!File.Exists(db))
        {
            return false;
        }

        await using var store = await TranscriptStore.OpenAsync(db);
        await foreach (var _ in store.ListRunsAsync())
        {
            return true;
        }

        return false;
    }

    private static async Task<string> SingleRunIdAsync(string db)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var runs = new List<string>();
        await foreach (var run in store.ListRunsAsync())
        {
            runs.Add(run.Id);
        }

        return Assert.Single(runs);
    }

    private static async Task<int> CountUnfinishedAsync(string db)
    {
        if (!await HasRunAsync(db))
        {
            return 0;
        }

        await using var store = await TranscriptStore.OpenAsync(db);
        var run = await SingleRunIdAsync(db);
        var count = await store.CountConversationsAsync(new ConversationQuery { RunId = run });
        return (await store.GetUnfinishedConversationsAsync(run)).Count + (int)(200 - count);
    }

    private static async Task<bool> IsCompleteAsync(string db) => await HasRunAsync(db) && await CountUnfinishedAsync(db) == 0;

    /// <summary>Every conversation ended, its messages numbered 1..N with N the stored count and the stop's message.</summary>
    private static async Task AssertIntegrityAsync(string db)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var summaries = new List<ConversationSummary>();
        await foreach (var summary in store.ListConversationsAsync(ConversationQuery.All))
        {
            summaries.Add(summary);
        }

        Assert.Equal(200, summaries.Count);
        foreach (var summary in summaries)
        {
            var transcript = (await store.GetTranscriptAsync(summary.Id))!;
            Assert.Equal(summary.MessageCount, transcript.Messages.Count);
            Assert.NotNull(transcript.Stop);
            Assert.NotEqual(StopReasons.Interrupted, transcript.Stop!.Reason);
            Assert.Equal(transcript.Messages.Count, transcript.Stop.Message);
            for (var i = 1; i < transcript.Messages.Count; i++)
            {
                Assert.NotEqual(transcript.Messages[i - 1].Seat, transcript.Messages[i].Seat);
            }
        }
    }

    private static async Task<List<string>> StopsAsync(string db)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var stops = new List<(int Number, string Line)>();
        await foreach (var transcript in store.ReadTranscriptsAsync(ConversationQuery.All))
        {
            var number = int.Parse(transcript.Metadata["number"], System.Globalization.CultureInfo.InvariantCulture);
            stops.Add((number, $"{number} {transcript.Title} {string.Join(',', transcript.Participants.Select(p => p.Model))} {transcript.Stop!.Reason} seat {transcript.Stop.Seat} message {transcript.Stop.Message} {TranscriptJson.Write(Without(transcript)).Length}"));
        }

        return [.. stops.OrderBy(s => s.Number).Select(s => s.Line)];
    }

    private static Transcript Without(Transcript transcript) => new()
    {
        Title = transcript.Title,
        Participants = transcript.Participants,
        Messages = [.. transcript.Messages.Select(m => new TranscriptMessage { Seat = m.Seat, Speaker = m.Speaker, Content = m.Content, Usage = m.Usage })],
    };
}
