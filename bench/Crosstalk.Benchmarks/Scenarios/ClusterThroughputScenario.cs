using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Crosstalk.Storage;
using Npgsql;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Whole-process scenario for the cluster: one latency-bound experiment (the fake OpenAI server in its own process,
/// replies taking a set latency) run three ways on one PostgreSQL database — <c>crosstalk batch</c> in one process,
/// then <c>batch --cluster</c> on one silo, then on three silos (concurrency per silo) — each in a fresh schema. Reports
/// messages per second (the three silos against the one) and CPU per message (the silos and the submitting CLI,
/// against the single-process batch).
/// </summary>
/// <remarks>
/// Run: <c>eval "$(scripts/postgres.sh start)" &amp;&amp; dotnet build -c Release src/Crosstalk.Cli &amp;&amp;
/// dotnet run -c Release --project bench/Crosstalk.Benchmarks -- cluster-throughput [--conversations 576]
/// [--messages 41] [--latency-ms 200] [--concurrency 64] [--db "Host=…"]</c>.
/// </remarks>
internal static class ClusterThroughputScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var conversations = Options.Int(args, "--conversations", 576);
        var messages = Options.Int(args, "--messages", 41);
        var latencyMs = Options.Int(args, "--latency-ms", 200);
        var concurrency = Options.Int(args, "--concurrency", 64);
        var server = Options.Text(args, "--db") ?? Environment.GetEnvironmentVariable("CROSSTALK_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            Console.Error.WriteLine("Give a PostgreSQL database with --db \"Host=…;Database=…\", or start the test server: eval \"$(scripts/postgres.sh start)\".");
            return 1;
        }

        var cli = Options.Cli();
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"{cli} is missing; build it first: dotnet build -c Release src/Crosstalk.Cli");
            return 1;
        }

        var dir = Path.Combine(Path.GetTempPath(), "crosstalk-cluster-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        await using var fake = await FakeServerProcess.StartAsync("openai", TimeSpan.FromMilliseconds(latencyMs / 4.0), "Hello.");
        var catalog = await FakeExperiment.WriteAsync(dir, "cluster-throughput", fake.Endpoint, conversations, messages, concurrency);
        var environment = new Dictionary<string, string>
        {
            ["CROSSTALK_MODELS"] = catalog,
            ["CROSSTALK_SECRETS"] = Path.Combine(dir, "no-secrets.env"),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{conversations} conversations × {messages} messages, replies of {latencyMs} ms, concurrency {concurrency} (per silo on the cluster)"));
        var single = await MeasureAsync(cli, dir, environment, server, fake, silos: 0);
        var one = await MeasureAsync(cli, dir, environment, server, fake, silos: 1);
        var three = await MeasureAsync(cli, dir, environment, server, fake, silos: 3);
        foreach (var result in new[] { single, one, three })
        {
            Console.WriteLine(result);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"three silos / one silo, messages per second: {three.PerSecond / one.PerSecond:0.00}×"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU per message, one silo / one batch process: {one.CpuPerMessage / single.CpuPerMessage:0.00}×; three silos / one batch process: {three.CpuPerMessage / single.CpuPerMessage:0.00}×"));
        Directory.Delete(dir, recursive: true);
        return 0;
    }

    private static async Task<Result> MeasureAsync(string cli, string dir, Dictionary<string, string> environment, string server, FakeServerProcess fake, int silos)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..10];
        await using (var connection = new NpgsqlConnection(server + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var db = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        var started = new List<Process>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                started.Add(Start(cli, dir, environment, "cluster", "silo", "--db", db, "--port", Text(FreePort()), "--gateway-port", Text(FreePort())));
            }

            if (silos > 0)
            {
                await using var store = await TranscriptStore.OpenAsync(db);
                var waited = Stopwatch.StartNew();
                while ((await store.GetClusterSilosAsync()).Count(s => s.IsActive) < silos)
                {
                    if (waited.Elapsed > TimeSpan.FromMinutes(2) || started.Any(p => p.HasExited))
                    {
                        throw new InvalidOperationException("The silos did not start.");
                    }

                    await Task.Delay(200);
                }
            }

            var siloCpu = started.Select(p => Cpu(p).TotalSeconds).ToArray();
            var (fakeCpu, postgresCpu) = (fake.ProcessorTime.TotalSeconds, PostgresCpu());
            var clock = Stopwatch.StartNew();
            string[] batch = silos > 0 ? ["batch", "experiment.yaml", "--cluster", "--quiet", "--db", db] : ["batch", "experiment.yaml", "--quiet", "--db", db];
            var cliCpu = 0.0;
            using (var process = Start(cli, dir, environment, batch))
            {
                while (!process.WaitForExit(TimeSpan.FromSeconds(1)))
                {
                    cliCpu = Cpu(process).TotalSeconds;
                }

                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"crosstalk batch exited with {process.ExitCode}.");
                }
            }

            var wall = clock.Elapsed.TotalSeconds;
            siloCpu = [.. started.Select((p, i) => Cpu(p).TotalSeconds - siloCpu[i])];
            (fakeCpu, postgresCpu) = (fake.ProcessorTime.TotalSeconds - fakeCpu, PostgresCpu() - postgresCpu);
            long stored = 0;
            await using (var store = await TranscriptStore.OpenAsync(db))
            {
                await foreach (var summary in store.ListConversationsAsync(ConversationQuery.All))
                {
                    stored += summary.MessageCount;
                }
            }

            return new Result(silos == 0 ? "one batch process" : $"{silos} silo(s)", wall, stored, siloCpu.Sum() + cliCpu)
            {
                Detail = string.Create(
                    CultureInfo.InvariantCulture,
                    $"CPU: CLI {cliCpu:0.0} s{string.Concat(siloCpu.Select((c, i) => $", silo {i + 1} {c:0.0} s"))}; fake server {fakeCpu:0.0} s, PostgreSQL {postgresCpu:0.0} s"),
            };
        }
        finally
        {
            foreach (var process in started)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    private static Process Start(string cli, string dir, Dictionary<string, string> environment, params string[] args)
    {
        var start = CliProcess.StartInfo(cli, args);
        start.WorkingDirectory = dir;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            // Warnings, and the errors Orleans logs when the silos of a finished scenario are killed together, are left out.
            if (e.Data is { Length: > 0 } line && !line.StartsWith("warn", StringComparison.Ordinal) && !line.StartsWith("fail: Orleans", StringComparison.Ordinal))
            {
                Console.Error.WriteLine(line);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static TimeSpan Cpu(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>CPU seconds of every process named postgres on this machine (the server and its backends, live or ended), from /proc.</summary>
    private static double PostgresCpu()
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (!stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close].StartsWith("postgres", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = stat[(close + 2)..].Split(' ');
                // utime and stime, and cutime and cstime: a backend that ended (its connection closed) counts on the
                // server that reaped it.
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // Gone, or not a process.
            }
        }

        return ticks / 100.0;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Result(string Side, double Wall, long Messages, double Cpu)
    {
        public string Detail { get; init; } = "";

        public double PerSecond => Messages / Wall;

        public double CpuPerMessage => Cpu / Messages;

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Side,-18} wall {Wall,6:0.0} s · {Messages:N0} messages · {PerSecond,6:0} messages/s · CPU {Cpu,6:0.0} s ({CpuPerMessage * 1000:0.00} ms per message)\n    {Detail}");
    }
}
