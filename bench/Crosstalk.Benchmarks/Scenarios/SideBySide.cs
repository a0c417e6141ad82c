using System.Diagnostics;
using System.Globalization;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// <c>provider-overhead --side-by-side</c>: each side in a process of its own, with a fake server of its own, and the two
/// sides' rounds run at the same time. Whatever the host does during a round (another tenant, frequency changes, the
/// kernel) it does to both sides at once, so a round's ratio does not carry the host's drift between rounds run one after
/// the other. Each process measures its own CPU time, which is also what a user's process would be charged.
/// </summary>
/// <remarks>
/// The coordinating process starts two children: this executable with the same arguments, <c>--serve-side SIDE</c> and
/// <c>--endpoint URI</c>. A child builds its side, runs one unmeasured round, prints <c>ready</c>, then runs one measured
/// round per <c>go</c> line on its standard input and prints <c>result CPU WALL</c> after each; it ends when its input
/// closes.
/// </remarks>
internal static class SideBySide
{
    public static async Task<int> CoordinateAsync(string[] args, string api, TimeSpan tokenLatency, string reply, int rounds, int conversations, int calls)
    {
        var forwarded = args.Where(a => a != "--side-by-side").ToArray();
        var sides = new[] { "bare", Options.Text(args, "--versus") ?? "crosstalk" };
        if (sides[1] is not ("crosstalk" or "runner" or "middleware" or "bare"))
        {
            throw new ArgumentException($"--versus {sides[1]}: use crosstalk, runner, middleware or bare.");
        }

        var servers = new FakeServerProcess[2];
        var children = new Process[2];
        try
        {
            for (var i = 0; i < 2; i++)
            {
                servers[i] = await FakeServerProcess.StartAsync(api, tokenLatency, reply, conversations);
                children[i] = StartChild(forwarded, sides[i], servers[i].Endpoint);
            }

            for (var i = 0; i < 2; i++)
            {
                await ExpectAsync(children[i], "ready");
            }

            var cpu = new[] { new List<double>(), new List<double>() };
            var wall = new[] { new List<double>(), new List<double>() };
            for (var round = 0; round < rounds; round++)
            {
                foreach (var child in children)
                {
                    await child.StandardInput.WriteLineAsync("go");
                    await child.StandardInput.FlushAsync();
                }

                // "result CPU WALL DETAILS"
                var details = new string[2];
                for (var i = 0; i < 2; i++)
                {
                    var parts = (await ExpectAsync(children[i], "result ")).Split(' ', 4);
                    cpu[i].Add(double.Parse(parts[1], CultureInfo.InvariantCulture));
                    wall[i].Add(double.Parse(parts[2], CultureInfo.InvariantCulture));
                    details[i] = parts.Length > 3 ? parts[3] : string.Empty;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: {sides[0]} cpu {cpu[0][^1]:0.000} s wall {wall[0][^1]:0.000} s | {sides[1]} cpu {cpu[1][^1]:0.000} s wall {wall[1][^1]:0.000} s | ratio {cpu[1][^1] / cpu[0][^1]:0.000}  ({details[0]} | {details[1]})"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{api}, side by side (each side in its own process, rounds at the same time): {calls} calls per round"));
            var measured = cpu.Select((side, i) => side.Zip(wall[i], (c, w) => (c, w)).ToList()).ToArray();
            Options.PrintMedians(sides[0], measured[0], calls);
            Options.PrintMedians(sides[1], measured[1], calls);
            Options.PrintRatios($"{sides[1]}/{sides[0]}", measured[0], measured[1]);
            return 0;
        }
        finally
        {
            foreach (var child in children.Where(c => c is not null))
            {
                try
                {
                    child.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The child has already gone.
                }

                await child.WaitForExitAsync();
                child.Dispose();
            }

            foreach (var server in servers.Where(s => s is not null))
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>The child's loop: one measured round per <c>go</c>.</summary>
    public static async Task<int> ServeAsync(Func<Task> warmUp, Func<Task<string>> measure)
    {
        await warmUp();
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "go")
            {
                Console.WriteLine(await measure());
            }
        }

        return 0;
    }

    private static Process StartChild(string[] args, string side, Uri endpoint) =>
        SelfProcess.Start(["provider-overhead", .. args, "--serve-side", side, "--endpoint", endpoint.ToString()]);

    private static async Task<string> ExpectAsync(Process child, string prefix)
    {
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"A side's process ended before it printed '{prefix.Trim()}'.");
    }
}
