using Crosstalk.Storage;

namespace Crosstalk.Cli.Tests;

/// <summary>An import stopped half-way, as Ctrl+C or a service manager stops it.</summary>
[Collection(HeavyProcessCollection.Name)]
public sealed class ImportInterruptTests
{
    [Fact]
    public async Task Import_StoppedWithSigterm_KeepsWhatItStoredSaysSoAndTheSameCommandAddsTheRest()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        const int Count = 3_000;
        var lines = Enumerable.Range(0, Count).Select(i =>
            "{\"format\":\"crosstalk-transcript/1\",\"title\":\"t\",\"participants\":[{\"seat\":1,\"name\":\"A\"},{\"seat\":2,\"name\":\"B\"}]," +
            $"\"messages\":[{{\"seat\":1,\"speaker\":\"A\",\"content\":\"hello number {i}\"}},{{\"seat\":2,\"speaker\":\"B\",\"content\":\"reply {i}\"}}]}}");
        await File.WriteAllLinesAsync(Path.Combine(dir, "many.jsonl"), lines);

        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var firstThousand = new TaskCompletionSource();
        using (var process = System.Diagnostics.Process.Start(CrosstalkProcess.StartInfo(dir, new Dictionary<string, string>(), "import", "many.jsonl"))!)
        {
            process.StandardInput.Close();
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    errors.Enqueue(line);
                    if (line.StartsWith("read 1,000 ", StringComparison.Ordinal))
                    {
                        firstThousand.TrySetResult();
                    }
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            // Stopped as Ctrl+C or a service manager stops it, once the first thousand are stored.
            await firstThousand.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(0, Kill(process.Id, Sigterm));

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(process.ExitCode == 130, string.Join('\n', errors));
        }

        var kept = await CountAsync(dir);
        Assert.InRange(kept, 1000, Count - 1);
        Assert.Contains(errors, line => line.StartsWith($"{kept:N0} conversation(s) were imported into run ", StringComparison.Ordinal)
            && line.EndsWith("run the same command again to add the rest.", StringComparison.Ordinal));

        var again = await CrosstalkProcess.RunAsync(dir, "import", "many.jsonl");
        Assert.True(again.ExitCode == 0, again.StandardError);
        Assert.Contains("already in the store", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(Count, await CountAsync(dir));

        static async Task<long> CountAsync(string dir)
        {
            await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db"));
            return await store.CountConversationsAsync(ConversationQuery.All);
        }
    }

    private const int Sigterm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

/// <summary>
/// Tests that keep both cores busy with whole processes for seconds (thousands of conversations imported, several
/// imports and exports): run on their own, after the others, so they do not starve the browser tests into timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyProcessCollection
{
    public const string Name = "heavy processes";
}
