using System.Runtime.CompilerServices;
using Crosstalk.Conversations;
using Microsoft.Extensions.AI;

namespace Crosstalk.Testing;

/// <summary>
/// A provider stand-in: waits <see cref="Latency"/>, then answers with a reply that depends only on the history,
/// optionally priced; counts how many requests are in flight at once.
/// </summary>
public sealed class PacedChatClient(string name, TimeSpan latency, decimal? cost = null, PacedChatClient.Counter? inFlight = null) : IChatClient
{
    private readonly Counter _inFlight = inFlight ?? new Counter();

    public TimeSpan Latency { get; } = latency;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        _inFlight.Enter();
        try
        {
            await Task.Delay(Latency, cancellationToken);
        }
        finally
        {
            _inFlight.Exit();
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

    /// <summary>Requests in flight at once across the clients that share it (one per test, so parallel tests don't mix).</summary>
    public sealed class Counter
    {
        private int _now;
        private int _peak;

        public int Peak => Volatile.Read(ref _peak);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _now);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _now);
    }
}
