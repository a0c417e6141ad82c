using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Crosstalk.Storage;
using Crosstalk.Testing.FakeProviders;
using Crosstalk.Transcripts;
using Microsoft.Playwright;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// One experiment across a cluster, as a team would run it on one machine: PostgreSQL, three <c>crosstalk cluster silo</c>
/// processes on loopback, <c>crosstalk batch --cluster</c> handing the run to them. Silos are killed with kill -9.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterProcessTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Batch_ThreeSilosOneKilledAndTheCliKilled_CompletesEveryConversationOnceAsOneProcessWould()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(
            Path.Combine(dir, "exp.yaml"),
            "name: spread\nmodels: [offline:eliza, offline:markov]\nrepetitions: 100\nseed: 11\nstop: { max_messages: 16, end_policy: off }\nconcurrency: 8\n");

        // The same experiment and seed in one process, on SQLite: what the cluster must reproduce.
        Directory.CreateDirectory(Path.Combine(dir, "ref"));
        var reference = Path.Combine(dir, "ref", "ref.db");
        var single = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--quiet", "--db", reference);
        Assert.True(single.ExitCode == 0, single.StandardError + single.StandardOutput);

        var db = await TestDatabases.CreateAsync("postgres", dir);
        await using var cluster = await Silos.StartAsync(dir, db, 3, tokenDelayMs: 8);
        var batch = Output.Start(dir, "batch", "exp.yaml", "--cluster", "--db", db, "--progress-interval", "1");
        string runId;
        await using (var store = await TranscriptStore.OpenAsync(db))
        {
            // Once a fifth of the run is done and the victim is running some of it: kill -9 that silo, and the CLI.
            var victim = cluster[1];
            await Wait.UntilAsync(
                async () => await FinishedAsync(store) >= 40
                    && (await store.GetRunningLeasesAsync(DateTimeOffset.UtcNow)).Any(l => LeaseOwners.SiloOf(l.Owner) is { } s && s.Contains($":{victim.Port}@", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(3),
                () => batch.Text + cluster.Logs);
            victim.Kill();
            batch.Kill();
            runId = (await store.ListRunsAsync().SingleAsync()).Id;
            Assert.True(await FinishedAsync(store) < 200, "the run was over before the silo was killed: " + batch.Text);
        }

        // The run goes on without the CLI; resume --cluster follows it to the end.
        var resume = await CrosstalkProcess.RunAsync(dir, "resume", runId, "--cluster", "--quiet", "--db", db);

        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput + cluster.Logs);
        Assert.Contains($"Run {runId} is complete", resume.StandardOutput.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        await using (var store = await TranscriptStore.OpenAsync(db))
        {
            var summaries = await store.ListConversationsAsync(new ConversationQuery { RunId = runId }).ToListAsync();
            Assert.Equal(200, summaries.Count);
            Assert.All(summaries, s => Assert.Equal((StopReasons.MaxMessages, 16), (s.StopReason, s.MessageCount)));
        }

        // Exactly once, and the same conversations: the dataset exports of both runs are equal byte for byte.
        string referenceRun;
        await using (var one = await TranscriptStore.OpenAsync(reference))
        {
            referenceRun = (await one.ListRunsAsync().SingleAsync()).Id;
        }

        var fromCluster = await CrosstalkProcess.RunAsync(dir, "export", runId, "--to", "sharegpt", "--db", db, "-o", "cluster");
        var fromOne = await CrosstalkProcess.RunAsync(dir, "export", referenceRun, "--to", "sharegpt", "--db", reference, "-o", "one");
        Assert.True(fromCluster.ExitCode == 0 && fromOne.ExitCode == 0, fromCluster.StandardError + fromOne.StandardError);
        var exported = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(dir, "cluster"))));
        Assert.Equal(400, exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(dir, "one")))), exported);

        // The cluster's view: two silos alive, the killed one dead.
        var status = await CrosstalkProcess.RunAsync(dir, "cluster", "status", "--db", db);
        Assert.True(status.ExitCode == 0, status.StandardError);
        Assert.Contains("dead", status.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_ModelLimitedToEightAndARunWithACostCeiling_HoldForTheWholeCluster()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.TokenLatency = TimeSpan.FromMilliseconds(40);
        server.Reply = r => new FakeReply($"Reply {r.Number}, a few words long.");
        var dir = CrosstalkProcess.NewTempDirectory();
        var catalog = Path.Combine(dir, "models.yaml");
        await File.WriteAllTextAsync(catalog, $"""
            providers:
              loop: {"{"} api: openai, endpoint: "{server.Endpoint}", key: CROSSTALK_CLUSTER_TEST_KEY {"}"}
            models:
              - name: limited
                provider: loop
                model: gpt-4o
                price: {"{"} input: 1000, output: 1000 {"}"}
                limits: {"{"} concurrency: 8 {"}"}
            """);
        var environment = new Dictionary<string, string> { ["CROSSTALK_MODELS"] = catalog, ["CROSSTALK_CLUSTER_TEST_KEY"] = "sk-cluster-test" };

        // 48 conversations at 16 per silo could put 48 requests in flight; the model allows 8, for all silos together.
        await File.WriteAllTextAsync(
            Path.Combine(dir, "limited.yaml"),
            "name: limited\nmodels: [limited, offline:eliza]\nrepetitions: 24\nstop: { max_messages: 6, end_policy: off }\nconcurrency: 16\n");
        var db = await TestDatabases.CreateAsync("postgres", dir);
        await using var cluster = await Silos.StartAsync(dir, db, 3, environment: environment);

        var limited = await CrosstalkProcess.RunAsync(dir, environment, "batch", "limited.yaml", "--cluster", "--quiet", "--db", db);

        Assert.True(limited.ExitCode == 0, limited.StandardError + limited.StandardOutput + cluster.Logs);
        // Six messages: the opener, then five replies, two or three of them the limited model's (it speaks first in half of them).
        Assert.Equal(48 * 5 / 2, server.RequestCount);
        Assert.InRange(server.MaxInFlight, 5, 8);

        // A run whose ceiling is reached stops within one message's cost of it, counted over every silo.
        await File.WriteAllTextAsync(
            Path.Combine(dir, "ceiling.yaml"),
            "name: ceiling\nmodels: [limited, offline:eliza]\nrepetitions: 30\nstop: { max_messages: 8, end_policy: off }\nconcurrency: 4\ncost_ceiling: 1.50\n");
        var capped = await CrosstalkProcess.RunAsync(dir, environment, "batch", "ceiling.yaml", "--cluster", "--quiet", "--db", db);

        Assert.Contains("Cost ceiling reached", capped.StandardOutput, StringComparison.Ordinal);
        await using var store = await TranscriptStore.OpenAsync(db);
        var run = (await store.ListRunsAsync().ToListAsync()).Single(r => r.ExperimentName == "ceiling");
        decimal spent = 0m, largest = 0m;
        await foreach (var transcript in store.ReadTranscriptsAsync(new ConversationQuery { RunId = run.Id }))
        {
            foreach (var message in transcript.Messages)
            {
                spent += message.Cost ?? 0m;
                largest = Math.Max(largest, message.Cost ?? 0m);
            }
        }

        Assert.True(largest > 0m, "the replies cost nothing, so the ceiling was never tested");
        Assert.InRange(spent, 1.50m - (2 * largest), 1.50m + largest);
        Assert.NotEmpty(await store.GetUnfinishedConversationsAsync(run.Id));
    }

    [Fact]
    public async Task Serve_ClusterPage_ShowsTheSilosTheirLoadAndStreamsAConversationOfAnySilo()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(
            Path.Combine(dir, "exp.yaml"),
            "name: watched\nmodels: [offline:eliza, offline:markov]\nrepetitions: 4\nstop: { max_messages: 40, end_policy: off }\nconcurrency: 2\n");
        var db = await TestDatabases.CreateAsync("postgres", dir);
        await using var cluster = await Silos.StartAsync(dir, db, 2, tokenDelayMs: 60);
        await using var serve = await LiveAcrossProcessesTests.ServeAsync(dir, db);
        var batch = Output.Start(dir, "batch", "exp.yaml", "--cluster", "--quiet", "--db", db);
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(serve.Url("/cluster"));

            // Both silos, active, each running its share (two at once per silo); the page refreshes itself.
            await Assertions.Expect(page.Locator("#silos tbody tr.active")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#cluster-summary")).ToContainTextAsync("4 conversation(s) running", new() { Timeout = 30_000 });
            var loads = await page.Locator("#silos tbody tr.active td.num").AllInnerTextsAsync();
            Assert.Equal(["2", "2"], loads);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "cluster.png") });

            // Any silo's conversation streams live here: text arrives in the message in flight, and stored messages are added.
            await page.Locator("ul.sessions li a").First.ClickAsync();
            await BrowserFixture.WaitForLivePageAsync(page);
            await Assertions.Expect(page.Locator("#messages li.msg.streaming .body")).Not.ToBeEmptyAsync(new() { Timeout = 20_000 });
            var before = await page.Locator("#messages li.msg").CountAsync();
            await Assertions.Expect(page.Locator("#messages li.msg")).Not.ToHaveCountAsync(before, new() { Timeout = 20_000 });
            await page.Context.CloseAsync();
        }
        finally
        {
            batch.Kill();
        }
    }

    private static async Task<int> FinishedAsync(ITranscriptStore store) =>
        await store.ListConversationsAsync(new ConversationQuery { StopReason = StopReasons.MaxMessages }).CountAsync();

    /// <summary>Silo processes of one cluster, on free loopback ports; disposed, they are killed.</summary>
    private sealed class Silos : IAsyncDisposable
    {
        private readonly List<Silo> _silos = [];

        public Silo this[int index] => _silos[index];

        public string Logs => string.Join("\n", _silos.Select(s => $"--- silo {s.Port}:\n{s.Output.Text}"));

        public static async Task<Silos> StartAsync(string dir, string db, int count, int tokenDelayMs = 0, IReadOnlyDictionary<string, string>? environment = null)
        {
            var silos = new Silos();
            for (var i = 0; i < count; i++)
            {
                var (port, gateway) = (FreePort(), FreePort());
                var output = Output.Start(
                    dir,
                    environment ?? new Dictionary<string, string>(),
                    "cluster", "silo", "--db", db, "--port", Text(port), "--gateway-port", Text(gateway), "--name", $"silo-{i + 1}", "--token-delay", Text(tokenDelayMs), "-v");
                silos._silos.Add(new Silo(port, output));
            }

            await using var store = await TranscriptStore.OpenAsync(db);
            await Wait.UntilAsync(
                async () => (await store.GetClusterSilosAsync()).Count(s => s.IsActive) == count,
                TimeSpan.FromMinutes(2),
                () => silos.Logs);
            return silos;
        }

        public ValueTask DisposeAsync()
        {
            foreach (var silo in _silos)
            {
                silo.Kill();
            }

            return ValueTask.CompletedTask;
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private sealed record Silo(int Port, Output Output)
    {
        public void Kill() => Output.Kill();
    }

    /// <summary>A started <c>crosstalk</c> process whose output is kept, to explain a failure.</summary>
    private sealed class Output
    {
        private readonly StringBuilder _text = new();
        private readonly Process _process;

        private Output(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public static Output Start(string dir, params string[] args) => Start(dir, new Dictionary<string, string>(), args);

        public static Output Start(string dir, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var process = Process.Start(CrosstalkProcess.StartInfo(dir, environment, args))!;
            process.StandardInput.Close();
            return new Output(process);
        }

        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_text)
                {
                    _text.AppendLine(line);
                }
            }
        }
    }

    private static class Wait
    {
        public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> explain)
        {
            var clock = Stopwatch.StartNew();
            while (!await condition())
            {
                if (clock.Elapsed > limit)
                {
                    Assert.Fail($"Timed out after {limit.TotalSeconds:0} s.\n{explain()}");
                }

                await Task.Delay(200);
            }
        }
    }
}

/// <summary>Cluster tests start several silo processes each: one at a time, on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
