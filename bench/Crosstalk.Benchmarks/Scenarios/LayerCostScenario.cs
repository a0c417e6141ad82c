using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// What each streaming middleware layer costs per call, in process and without HTTP: a synthetic provider streams a
/// one-word reply as the OpenAI SDK does (role, text, finish, usage, end), every move completing later after a trip
/// through the thread pool, and the calls run one after another through the provider alone, the usage layer over it,
/// and the resilience layer over that (and, for scale, a layer that does nothing but hand the updates on, over the usage
/// layer). Each side's figure is the least CPU per call over several repetitions, which
/// leaves out most of what a busy host adds; the layers are read as differences against the provider alone, measured in
/// the same run.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- layer-cost [--calls 200000] [--repetitions 6]</c>.
/// </remarks>
internal static class LayerCostScenario
{
    private const int WarmUpCalls = 50_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = Options.Int(args, "--calls", 200_000);
        var repetitions = Options.Int(args, "--repetitions", 6);
        var entry = new ModelEntry
        {
            Name = "synthetic",
            DisplayName = "Synthetic",
            Provider = "synthetic",
            Api = ModelApi.OpenAI,
            ModelId = "synthetic",
            InputPricePerMillion = 1m,
            OutputPricePerMillion = 2m,
        };
        var provider = new SyntheticProvider();
        var usage = new UsageChatClient(provider, entry);
        var resilience = new ResilienceOptions();
        var circuit = new EndpointCircuit(resilience);
        var resilient = new ResilientChatClient(usage, resilience, circuit, "Synthetic");
        // For scale: a layer that only hands each update on, as an async iterator, over the usage layer.
        var passThrough = new Providers.PassThroughChatClient(usage);
        // Each side with the side it adds one layer to (-1: none); the empty layer, like resilience, sits over usage.
        (string Name, IChatClient Client, int Under)[] sides =
            [("provider alone", provider, -1), ("+ usage", usage, 0), ("+ resilience", resilient, 1), ("(+ empty layer)", passThrough, 1)];
        List<ChatMessage> history = [new(ChatRole.User, "Hi.")];

        Func<Task> Call(IChatClient client) => async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(history))
            {
                _ = update.Contents.Count;
            }
        };

        // Parts of the resilience layer's work per call, each alone in a loop.
        using var caller = new CancellationTokenSource();
        Func<Task>[] parts = [() => circuit.ReportAsync(null).AsTask(), TimerOnce, () => LinkedOnce(caller.Token)];

        // Unmeasured first, so that every path is compiled at its final tier before anything counts.
        foreach (var call in sides.Select(s => Call(s.Client)).Concat(parts))
        {
            await CpuPerCallAsync(WarmUpCalls, call);
        }

        var best = new double[sides.Length];
        Array.Fill(best, double.MaxValue);
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            for (var i = 0; i < sides.Length; i++)
            {
                best[i] = Math.Min(best[i], await CpuPerCallAsync(calls, Call(sides[i].Client)));
            }
        }

        for (var i = 0; i < sides.Length; i++)
        {
            var under = sides[i].Under;
            var over = under < 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", the layer {best[i] - best[under]:+0.00;-0.00} µs");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sides[i].Name,-15} {best[i],6:0.00} µs per call ({best[i] / best[0]:0.00} × the provider alone{over})"));
        }

        var outcome = await CpuPerCallAsync(calls, parts[0]);
        var timer = await CpuPerCallAsync(calls, parts[1]);
        var linked = await CpuPerCallAsync(calls, parts[2]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parts: circuit outcome {outcome:0.00} µs, timer created, re-armed twice and disposed {timer:0.00} µs, linked cancellation source {linked:0.00} µs"));
        return 0;
    }

    private static async Task<double> CpuPerCallAsync(int calls, Func<Task> call)
    {
        var self = Process.GetCurrentProcess();
        var before = self.TotalProcessorTime;
        for (var i = 0; i < calls; i++)
        {
            await call();
        }

        self.Refresh();
        return (self.TotalProcessorTime - before).TotalMicroseconds / calls;
    }

    private static Task TimerOnce()
    {
        using var timer = TimeProvider.System.CreateTimer(static _ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    private static Task LinkedOnce(CancellationToken token)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token);
        return Task.CompletedTask;
    }

    private sealed class SyntheticProvider : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, string.Empty);
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello.");
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, []) { FinishReason = ChatFinishReason.Stop };
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 2 })]);
            await Task.Yield();
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
