using System.Runtime.CompilerServices;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>
/// How the resilience layer's stream treats the caller's way of awaiting it (on a synchronization context, or on none),
/// pinned so that any rewrite of its enumerator keeps what an async iterator does (one written by hand was tried and
/// not kept, BENCHMARKS.md).
/// </summary>
public sealed class ResilientStreamTests
{
    private static readonly ResilienceOptions Options = new() { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1) };

    [Fact]
    public async Task GetStreamingResponseAsync_CallerOnASynchronizationContext_EveryMoveResumesThere()
    {
        using var client = Create(new PacedProvider());
        var context = new CountingContext();
        var texts = new List<string>();
        var resumedOnContext = new List<bool>();

        await Task.Factory.StartNew(
            async () =>
            {
                SynchronizationContext.SetSynchronizationContext(context);
                await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]))
                {
                    texts.Add(update.Text);
                    resumedOnContext.Add(SynchronizationContext.Current == context);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            TaskScheduler.Default).Unwrap();

        Assert.Equal(["Hel", "lo."], texts);
        Assert.All(resumedOnContext, b => Assert.True(b));
        Assert.True(context.Posts >= 2, $"only {context.Posts} continuations were posted to the caller's context");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerWithoutContext_AllChunksInOrder()
    {
        using var client = Create(new PacedProvider());

        var texts = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]).ConfigureAwait(false))
        {
            texts.Add(update.Text);
        }

        Assert.Equal(["Hel", "lo."], texts);
    }

    private static ResilientChatClient Create(IChatClient provider) =>
        new(provider, Options, new EndpointCircuit(Options), "Paced");

    // Sends "Hel" and "lo." (with the finish reason), each after a short wait, so every move completes later.
    private sealed class PacedProvider : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel");
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "lo.") { FinishReason = ChatFinishReason.Stop };
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    // Runs posted continuations on the pool, with itself set as the context, and counts them.
    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ =>
            {
                SetSynchronizationContext(this);
                d(state);
            });
        }
    }
}
