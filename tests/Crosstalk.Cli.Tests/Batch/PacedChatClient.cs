using System.Runtime.CompilerServices;
using Crosstalk.Conversations;
using Microsoft.Extensions.AI;

namespace Crosstalk.Cli.Tests.Batch;

/// <summary>
/// A provider stand-in: waits <see cref="Latency"/>, then answers with a reply that depends only on the history,
/// optionally priced; counts how many requests are in flight at once.
/// </summary>
internal sealed class PacedChatClient(string name, TimeSpan latency, decimal? cost = null) : IChatClient
{
    private static int s_inFlight;
    private static int s_peak;

    public TimeSpan Latency { get; } = latency;

    public static int Peak => Volatile.Read(ref s_peak);

    public static void ResetPeak() => Volatile.Write(ref s_peak, 0);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var now = Interlocked.Increment(ref s_inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref s_peak)) && Interlocked.CompareExchange(ref s_peak, now, peak) != peak)
        {
        }

        try
        {
            await Task.Delay(Latency, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref s_inFlight);
        }

        var contents = new List<AIContent> { new TextContent($"{name} reply {history.Count} to '{history[^1].Text}'") };
        if (cost is { } usd)
        {
            contents.Add(new CostContent(usd));
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, contents);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
