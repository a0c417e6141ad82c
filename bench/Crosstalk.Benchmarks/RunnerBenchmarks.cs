using BenchmarkDotNet.Attributes;
using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Microsoft.Extensions.AI;

namespace Crosstalk.Benchmarks;

/// <summary>
/// The runner's own cost per message: two instant in-process clients, a 100-message conversation with the
/// default stop policy. The baseline calls the same clients in a bare loop, so the difference is the runner.
/// </summary>
[MemoryDiagnoser]
public class RunnerBenchmarks
{
    private const int Messages = 100;

    private readonly InstantChatClient _a = new("A short reply from seat one, as instant as it gets.");
    private readonly InstantChatClient _b = new("A short reply from seat two, equally instant.");
    private readonly List<ChatMessage> _history = [new(ChatRole.User, " ")];
    private ConversationSpec _spec = null!;

    [GlobalSetup]
    public void Setup() =>
        _spec = new ConversationSpec
        {
            Seats = [new SeatSpec { Name = "A", SystemPrompt = "You are A." }, new SeatSpec { Name = "B", SystemPrompt = "You are B." }],
            Stop = StopConditions.Default(Messages),
        };

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages - 1)]
    public async Task<int> BareLoop()
    {
        // The same requests without the runner: stream each reply and read its text.
        var count = 0;
        for (var i = 1; i < Messages; i++)
        {
            var client = i % 2 == 1 ? _b : _a;
            await foreach (var update in client.GetStreamingResponseAsync(_history))
            {
                count += update.Contents.Count;
            }
        }

        return count;
    }

    [Benchmark(OperationsPerInvoke = Messages - 1)]
    public async Task<int> Runner()
    {
        var runner = new ConversationRunner(_spec, [_a, _b]);
        var count = 0;
        await foreach (var e in runner.RunAsync())
        {
            count++;
        }

        return count;
    }
}
