using System.Diagnostics;
using System.Globalization;
using Crosstalk.Testing.FakeProviders;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// The loopback fake provider server in its own process, so its CPU time is not counted in the measured process and it
/// does not compete with it for the thread pool. The child is this benchmark executable started with <c>fake-server</c>:
/// it prints <c>endpoint {uri}</c>, serves until its standard input closes, then prints <c>requests {n}</c>.
/// </summary>
internal sealed class FakeServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private FakeServerProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Requests the server answered, known once it has been stopped.</summary>
    public long RequestCount { get; private set; }

    /// <summary>Mean time from a streamed request's arrival to its last piece written, in ms, known once the server has been stopped.</summary>
    public double MeanReplyMilliseconds { get; private set; }

    /// <summary>
    /// Linux: this process runs on CPU 0 only and the server on CPU 1 only, so the two do not preempt each other's threads
    /// (one source of noise in CPU-time comparisons on a small machine).
    /// </summary>
    public void PinApart()
    {
        if (OperatingSystem.IsLinux() && Environment.ProcessorCount >= 2)
        {
            _process.ProcessorAffinity = 2;
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }
    }

    /// <summary>The child's CPU time so far (user + system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Starts the server: <paramref name="api"/> is <c>openai</c> or <c>anthropic</c>; each streamed event after the first
    /// waits <paramref name="tokenLatency"/>; a round holds <paramref name="conversations"/> conversations (see <see cref="BenchReplies"/>).
    /// </summary>
    public static async Task<FakeServerProcess> StartAsync(string api, TimeSpan tokenLatency, string reply, int conversations = 1)
    {
        var process = SelfProcess.Start([
            "fake-server", "--api", api, "--token-latency-ms", tokenLatency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture), "--reply", reply,
            "--conversations", conversations.ToString(CultureInfo.InvariantCulture)]);
        var line = await process.StandardOutput.ReadLineAsync();
        if (line is null || !line.StartsWith("endpoint ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"The fake server process did not start (it printed '{line}').");
        }

        return new FakeServerProcess(process, new Uri(line["endpoint ".Length..]));
    }

    /// <summary>The child's side: serve until standard input closes.</summary>
    public static async Task<int> RunServerAsync(string[] args)
    {
        var api = Options.Text(args, "--api") ?? "openai";
        var latency = double.Parse(Options.Text(args, "--token-latency-ms") ?? "0", CultureInfo.InvariantCulture);
        var reply = Options.Text(args, "--reply") ?? "Hello.";
        await using FakeProviderServer server = api == "anthropic" ? await FakeAnthropicServer.StartAsync() : await FakeOpenAIServer.StartAsync();
        server.Reply = BenchReplies.Responder(reply, Options.Int(args, "--conversations", 1));
        server.TokenLatency = TimeSpan.FromMilliseconds(latency);
        Console.WriteLine($"endpoint {server.Endpoint}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        var (replies, total) = server.StreamedReplyTime;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replytime {(replies == 0 ? 0 : total.TotalMilliseconds / replies)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests {server.RequestCount}"));
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        var rest = await _process.StandardOutput.ReadToEndAsync();
        foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("replytime ", StringComparison.Ordinal))
            {
                MeanReplyMilliseconds = double.Parse(line["replytime ".Length..], CultureInfo.InvariantCulture);
            }

            if (line.StartsWith("requests ", StringComparison.Ordinal))
            {
                RequestCount = long.Parse(line["requests ".Length..], CultureInfo.InvariantCulture);
            }
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
