using System.Diagnostics;
using System.Text;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Tests.Batch;

public sealed class InterruptTests
{
    [Fact]
    public async Task Batch_InterruptSignal_StopsGracefullyKeepsMessagesAndResumeFinishes()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\nrepetitions: 50\nstop: { max_messages: 30, end_policy: off }\nconcurrency: 8\n");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "crosstalk.dll"), "batch", "exp.yaml", "--db", "c.db", "--token-delay", "5" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TERM"] = "dumb";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var firstLine = await process.StandardOutput.ReadLineAsync();
        Assert.StartsWith("Run ", firstLine, StringComparison.Ordinal);
        var stdout = process.StandardOutput.ReadToEndAsync();
        await Task.Delay(1500);
        Assert.False(process.HasExited, await stderr);
        var status = string.Join(" ", File.ReadAllLines($"/proc/{process.Id}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal)));
        // SIGTERM takes the same path as Ctrl+C's SIGINT; SIGINT itself cannot be tested here, because a process started
        // in the background of a non-interactive shell inherits SIGINT as ignored.
        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
            status += $" kill exit {signal.ExitCode}";
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}; {status}; {await stderr}");
        Assert.Contains("Stopping… (Ctrl+C again to quit now)", await stderr, StringComparison.Ordinal);
        Assert.Contains("crosstalk resume", await stdout, StringComparison.Ordinal);
        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "c.db")))
        {
            var interrupted = await store.ListConversationsAsync(new ConversationQuery { StopReason = StopReasons.Interrupted }).ToListAsync();
            Assert.NotEmpty(interrupted);
            Assert.Contains(interrupted, c => c.MessageCount > 1);
        }

        var resumed = await CrosstalkProcess.RunAsync(dir, "resume", "--db", "c.db", "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.StandardError);
        await using var after = await TranscriptStore.OpenAsync(Path.Combine(dir, "c.db"));
        var all = await after.ListConversationsAsync(ConversationQuery.All).ToListAsync();
        Assert.Equal(100, all.Count);
        Assert.All(all, c => Assert.Equal((30, StopReasons.MaxMessages), (c.MessageCount, c.StopReason)));
    }
}
