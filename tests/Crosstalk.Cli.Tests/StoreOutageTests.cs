using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Crosstalk.Storage;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// A PostgreSQL server of this test's own (scripts/postgres.sh on a free port, in a folder of its own) is stopped while a
/// batch writes to it: the batch ends with one sentence and exit code 1, and once the server is back, resume completes
/// the run with nothing lost and nothing written twice.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crosstalk-pg-outage-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _port = FreePort();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await PostgresAsync("stop");
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The server's files may still be closing; /tmp is cleaned anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public async Task Batch_PostgresStoppedMidway_ExitsWithOneSentenceAndResumeAfterARestartCompletesTheRun()
    {
        var db = (await PostgresAsync("start")).Trim();
        Assert.StartsWith("export CROSSTALK_TEST_POSTGRES='", db, StringComparison.Ordinal);
        db = db["export CROSSTALK_TEST_POSTGRES='".Length..^1];
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "name: outage\nmodels: [offline:eliza, offline:markov]\nrepetitions: 20\nstop: { max_messages: 16, end_policy: off }\nconcurrency: 8\nseed: 9\n");
        var reference = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--quiet", "--db", Path.Combine(dir, "reference.db"));
        Assert.True(reference.ExitCode == 0, reference.StandardError);

        var start = CrosstalkProcess.StartInfo(dir, new Dictionary<string, string>(), "batch", "exp.yaml", "--quiet", "--token-delay", "20", "--db", db);
        using var batch = Process.Start(start)!;
        batch.StandardInput.Close();
        var stdout = batch.StandardOutput.ReadToEndAsync();
        var stderr = batch.StandardError.ReadToEndAsync();
        await EngineProcessTests.WaitUntilAsync(async () => await MessagesAsync(db) >= 40, batch);

        await PostgresAsync("stop");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await batch.WaitForExitAsync(timeout.Token);
        }

        var error = await stderr;
        Assert.True(batch.ExitCode == 1, $"exit {batch.ExitCode}: {error}{await stdout}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^error: The PostgreSQL database .* could not be reached \(.+\)\.$", line);
        Assert.Contains("crosstalk resume", await stdout, StringComparison.Ordinal);

        await PostgresAsync("start");
        var resume = await CrosstalkProcess.RunAsync(dir, "resume", "--quiet", "--db", db);

        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput);
        Assert.Equal(await ContentsAsync(Path.Combine(dir, "reference.db")), await ContentsAsync(db));
    }

    private async Task<string> PostgresAsync(string verb)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "postgres.sh");
        var start = new ProcessStartInfo(script, verb) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["CROSSTALK_PG_DIR"] = _folder;
        start.Environment["CROSSTALK_PG_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"postgres.sh {verb}: {await error}");
        return await output;
    }

    private static async Task<int> MessagesAsync(string db)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var runs = await store.ListRunsAsync().ToListAsync();
        return runs.Count == 0 ? 0 : (int)runs[0].Messages;
    }

    private static async Task<List<string>> ContentsAsync(string db)
    {
        await using var store = await TranscriptStore.OpenAsync(db);
        var all = new List<(int, string)>();
        await foreach (var transcript in store.ReadTranscriptsAsync(ConversationQuery.All))
        {
            Assert.Equal(16, transcript.Messages.Count);
            all.Add((int.Parse(transcript.Metadata["number"], System.Globalization.CultureInfo.InvariantCulture), string.Join("|", transcript.Messages.Select(m => m.Content))));
        }

        return [.. all.OrderBy(a => a.Item1).Select(a => a.Item2)];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crosstalk.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Crosstalk.slnx) is not above the test's folder.");
    }
}

/// <summary>A disk that takes no more (a file-size limit the process may not pass) ends a batch in one sentence, not a crash.</summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task Batch_DiskTakesNoMore_ExitsWithOneSentenceAndResumeWithRoomCompletesTheRun()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\nrepetitions: 50\nstop: { max_messages: 60, end_policy: off }\nconcurrency: 8\n");
        var crosstalk = Path.Combine(AppContext.BaseDirectory, "crosstalk.dll");

        // ulimit -f: writes past 1 MB fail (EFBIG) as on a full disk; SIGXFSZ ignored so the write returns the error.
        // The runtime's double-mapped code file counts against the limit too, so it is turned off for this process.
        var start = new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"ulimit -f 1024; trap '' XFSZ; exec dotnet '{crosstalk}' batch exp.yaml --db s.db --quiet"])
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        start.Environment["CROSSTALK_SECRETS"] = Path.Combine(dir, "no-secrets.env");
        using var batch = System.Diagnostics.Process.Start(start)!;
        var stdout = batch.StandardOutput.ReadToEndAsync();
        var stderr = batch.StandardError.ReadToEndAsync();
        await batch.WaitForExitAsync();

        var error = await stderr;
        Assert.True(batch.ExitCode == 1, $"exit {batch.ExitCode}: {error}{await stdout}");
        Assert.Matches(@"^error: The SQLite database .*s\.db could not be written: a disk error \(.+\); is its disk full, or failing\?$", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("crosstalk resume", await stdout, StringComparison.Ordinal);

        var resume = await CrosstalkProcess.RunAsync(dir, "resume", "--quiet", "--db", "s.db");
        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput);
        await using var store = await Crosstalk.Storage.TranscriptStore.OpenAsync(Path.Combine(dir, "s.db"));
        await foreach (var transcript in store.ReadTranscriptsAsync(Crosstalk.Storage.ConversationQuery.All))
        {
            Assert.Equal(60, transcript.Messages.Count);
        }
    }
}
