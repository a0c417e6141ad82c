using System.Diagnostics;
using System.Runtime.InteropServices;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Tests.Batch;

public sealed partial class InterruptTests
{
    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [Fact]
    public async Task Batch_InterruptSignal_StopsGracefullyKeepsMessagesAndResumeFinishes()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await WriteExperimentAsync(dir);
        var (exitCode, stdout, stderr) = await InterruptWhenAsync(dir, () => RunMessagesAsync(Path.Combine(dir, "c.db"), atLeast: 40), "batch", "exp.yaml", "--db", "c.db", "--token-delay", "5");

        Assert.True(exitCode == 130, stderr);
        Assert.Contains("Stopping… (Ctrl+C again to quit now)", stderr, StringComparison.Ordinal);
        Assert.Contains("crosstalk resume", stdout, StringComparison.Ordinal);
        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "c.db")))
        {
            var interrupted = await store.ListConversationsAsync(new ConversationQuery { StopReason = StopReasons.Interrupted }).ToListAsync();
            Assert.NotEmpty(interrupted);
            Assert.Contains(interrupted, c => c.MessageCount > 1);
        }

        await ResumeAndAssertEveryConversationFinishedAsync(dir);
    }

    [Fact]
    public async Task Batch_TwoInterruptSignals_Exit130AndResumeStillFinishesCleanly()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await WriteExperimentAsync(dir);
        using var process = CrosstalkProcess.Start(dir, "batch", "exp.yaml", "--db", "c.db", "--token-delay", "5");
        await EngineProcessTests.WaitUntilAsync(() => RunMessagesAsync(Path.Combine(dir, "c.db"), atLeast: 40), process);

        Assert.Equal(0, SendSignal(process.Id, SigTerm));
        await Task.Delay(50);

        // The graceful stop may already be over; if not, the second signal ends the process at once.
        _ = SendSignal(process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);

        // 130: our handler quit at once. 143 (128 + SIGTERM): the signal landed after the graceful stop had already
        // released the handler, in the last instant of shutdown. Either way the store must be clean and resumable.
        Assert.Contains(process.ExitCode, new[] { 130, 143 });

        await ResumeAndAssertEveryConversationFinishedAsync(dir);
    }

    [Fact]
    public async Task Run_InterruptSignal_KeepsTheCompletedMessagesInFilesAndStore()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var (exitCode, stdout, stderr) = await InterruptWhenAsync(dir, async () => await EngineProcessTests.MessagesAsync(Path.Combine(dir, "crosstalk.db"), 1) >= 3, "run", "--token-delay", "40", "--end-policy", "off", "-o", "out");

        Assert.True(exitCode == 130, stderr);
        Assert.Contains("interrupted", stdout, StringComparison.Ordinal);
        var saved = Crosstalk.Transcripts.Formats.TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "out"), "*.json")));
        Assert.Equal(StopReasons.Interrupted, saved.Stop!.Reason);
        Assert.True(saved.Messages.Count >= 2);
        await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db"));
        var stored = await store.GetTranscriptAsync((await store.ListConversationsAsync(ConversationQuery.All).ToListAsync()).Single().Id);
        Assert.Equal(saved.Messages.Select(m => m.Content), stored!.Messages.Select(m => m.Content));
        Assert.Equal(StopReasons.Interrupted, stored.Stop!.Reason);

        // Every conversation keeps its plan: the interrupted one says how to go on, resume without a run points to it, and
        // resume ID goes on with the same seed and stop policy (end-policy off, 100 messages), rewriting its files.
        Assert.Contains("crosstalk resume 1", stdout, StringComparison.Ordinal);
        var hint = await CrosstalkProcess.RunAsync(dir, "resume");
        Assert.Contains("outside any run", hint.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("crosstalk resume 1", hint.StandardOutput.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);

        var fork = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", saved.Messages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-messages", (saved.Messages.Count + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(fork.ExitCode == 0, fork.StandardError + fork.StandardOutput);
        var forked = await store.GetTranscriptAsync(2);

        // The fork inherits end-policy off: exactly the two messages its cap leaves room for.
        Assert.Equal(saved.Messages.Count + 2, forked!.Messages.Count);
        Assert.Equal(saved.Messages.Select(m => m.Content), forked.Messages.Take(saved.Messages.Count).Select(m => m.Content));

        var resume = await CrosstalkProcess.RunAsync(dir, "resume", "1", "--quiet");
        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput);
        var resumed = await store.GetTranscriptAsync(1);
        Assert.Equal(100, resumed!.Messages.Count);
        Assert.Equal(StopReasons.MaxMessages, resumed.Stop!.Reason);
        Assert.Equal(saved.Messages.Select(m => m.Content), resumed.Messages.Take(saved.Messages.Count).Select(m => m.Content));
        var file = Crosstalk.Transcripts.Formats.TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "out"), "*.json")));
        Assert.Equal(resumed.Messages.Select(m => m.Content), file.Messages.Select(m => m.Content));
    }

    /// <summary>
    /// Starts the command, lets it work until <paramref name="ready"/> holds (what it stored, not a clock: a loaded machine
    /// is slow to start a process), then sends SIGTERM, which takes the same path as
    /// Ctrl+C's SIGINT (SIGINT itself cannot be tested here: a process started in the background of a non-interactive
    /// shell inherits SIGINT as ignored).
    /// </summary>
    private static async Task<(int ExitCode, string StandardOutput, string StandardError)> InterruptWhenAsync(string dir, Func<Task<bool>> ready, params string[] args)
    {
        using var process = Process.Start(CrosstalkProcess.StartInfo(dir, new Dictionary<string, string>(), args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await EngineProcessTests.WaitUntilAsync(ready, process);
        Assert.Equal(0, SendSignal(process.Id, SigTerm));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<bool> RunMessagesAsync(string db, int atLeast)
    {
        if (!File.Exists(db))
        {
            return false;
        }

        await using var store = await TranscriptStore.OpenAsync(db);
        var runs = await store.ListRunsAsync().ToListAsync();
        return runs.Count > 0 && runs[0].Messages >= atLeast;
    }

    /// <summary>100 offline conversations of 30 messages each, 8 at a time: long enough to interrupt midway.</summary>
    private static Task WriteExperimentAsync(string dir) =>
        File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\nrepetitions: 50\nstop: { max_messages: 30, end_policy: off }\nconcurrency: 8\n");

    private static async Task ResumeAndAssertEveryConversationFinishedAsync(string dir)
    {
        var resumed = await CrosstalkProcess.RunAsync(dir, "resume", "--db", "c.db", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.StandardError);
        await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "c.db"));
        var all = await store.ListConversationsAsync(ConversationQuery.All).ToListAsync();
        Assert.Equal(100, all.Count);
        Assert.All(all, c => Assert.Equal((30, StopReasons.MaxMessages), (c.MessageCount, c.StopReason)));
    }
}
