using System.Diagnostics;
using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Benchmarks.Scenarios;

namespace Crosstalk.Benchmarks;

/// <summary>
/// Whole-process scenario: <c>crosstalk batch</c> runs N conversations against the loopback fake OpenAI server, whose
/// replies take a set latency, into a fresh SQLite store; the wall time is compared with the ideal
/// (replies × latency ÷ concurrency).
/// </summary>
/// <remarks>
/// Run: <c>dotnet build -c Release src/Crosstalk.Cli &amp;&amp; dotnet run -c Release --project bench/Crosstalk.Benchmarks -- batch-throughput
/// [--conversations 1000] [--messages 97] [--latency-ms 200] [--concurrency 512]</c>.
/// </remarks>
internal static class BatchThroughputScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var conversations = Options.Int(args, "--conversations", 1000);
        var messages = Options.Int(args, "--messages", 97);
        var latencyMs = Options.Int(args, "--latency-ms", 200);
        var concurrency = Options.Int(args, "--concurrency", 512);
        var cli = Options.Text(args, "--crosstalk") ?? Options.Cli();
        if (!File.Exists(cli))
        {
            Console.Error.WriteLine($"{cli} is missing; build it first: dotnet build -c Release src/Crosstalk.Cli");
            return 1;
        }

        var dir = Path.Combine(Path.GetTempPath(), "crosstalk-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);

        // A one-word reply streams as 5 events (role, text, finish, usage, [DONE]): 4 gaps make up the reply's latency.
        // The server runs in its own process, so it competes with crosstalk for the cores but not for its thread pool.
        var server = await FakeServerProcess.StartAsync("openai", TimeSpan.FromMilliseconds(latencyMs / 4.0), "Hello.");
        var catalog = await FakeExperiment.WriteAsync(dir, "batch-throughput", server.Endpoint, conversations, messages, concurrency);

        var start = CliProcess.StartInfo(cli, ["batch", "experiment.yaml", "--db", "bench.db", "--quiet"]);
        start.WorkingDirectory = dir;

        start.Environment["CROSSTALK_MODELS"] = catalog;
        start.Environment["CROSSTALK_SECRETS"] = Path.Combine(dir, "no-secrets.env");
        var serverCpu = server.ProcessorTime;
        var clock = Stopwatch.StartNew();
        TimeSpan batchCpu;
        using (var process = Process.Start(start)!)
        {
            // Linux forgets an exited process's CPU time, so sample it until the end (the last second is missed).
            batchCpu = TimeSpan.Zero;
            while (!process.WaitForExit(TimeSpan.FromSeconds(1)))
            {
                try
                {
                    process.Refresh();
                    batchCpu = process.TotalProcessorTime;
                }
                catch (InvalidOperationException)
                {
                    break;
                }
            }

            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"crosstalk batch exited with {process.ExitCode}");
                return process.ExitCode;
            }
        }

        var wall = clock.Elapsed;
        serverCpu = server.ProcessorTime - serverCpu;
        await server.DisposeAsync();
        long stored = 0, replies = 0;
        double latencySum = 0;
        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "bench.db")))
        {
            await foreach (var transcript in store.ReadTranscriptsAsync(ConversationQuery.All))
            {
                stored += transcript.Messages.Count;
                foreach (var message in transcript.Messages.Skip(1))
                {
                    replies++;
                    latencySum += message.Latency?.TotalSeconds ?? 0;
                }
            }
        }

        var nominal = replies * (latencyMs / 1000.0) / concurrency;
        var measuredLatency = replies == 0 ? 0 : latencySum / replies;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conversations {conversations}, messages stored {stored:N0}, replies {replies:N0}, concurrency {concurrency}, server requests {server.RequestCount:N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall {wall.TotalSeconds:0.0} s (process start to exit); ideal {nominal:0.0} s at {latencyMs} ms per reply; ratio {wall.TotalSeconds / nominal:0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean reply latency seen by the runner {measuredLatency * 1000:0} ms; throughput {stored / wall.TotalSeconds:0} messages/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean reply time at the server (request arrival to last event written) {server.MeanReplyMilliseconds:0.0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu: crosstalk batch process {batchCpu.TotalSeconds:0.0} s, fake server process {serverCpu.TotalSeconds:0.0} s"));
        Directory.Delete(dir, recursive: true);
        return 0;
    }
}
