using Crosstalk.Conversations;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>The idle timeout of a streamed attempt, with the time provider under the test's control.</summary>
public sealed class StreamTimeoutTests
{
    private static readonly ResilienceOptions Options = new()
    {
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromSeconds(1),
        FirstTokenTimeout = TimeSpan.FromSeconds(20),
        IdleTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task GetStreamingResponseAsync_CallerHoldsAnUpdateLongerThanTheIdleTimeout_NotTreatedAsAStall()
    {
        var time = new FakeTimeProvider();
        var provider = new ScriptedProvider(time);
        using var client = Create(provider, time);
        await using var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]).GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync());
        time.Advance(Options.IdleTimeout * 3);
        var rest = new List<ChatResponseUpdate>();
        while (await updates.MoveNextAsync())
        {
            rest.Add(updates.Current);
        }

        Assert.Single(provider.Calls);
        Assert.DoesNotContain(rest, u => u.Contents.OfType<AttemptContent>().Any());
        Assert.Contains(rest, u => u.FinishReason == ChatFinishReason.Stop);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ProviderStallsAfterTheFirstUpdate_RestartedAfterExactlyTheIdleTimeout()
    {
        var time = new FakeTimeProvider();
        var provider = new ScriptedProvider(time, ProviderStep.StallsAfterText);
        using var client = Create(provider, time);
        await using var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]).GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync());
        time.Advance(TimeSpan.FromSeconds(4));
        var next = updates.MoveNextAsync().AsTask();
        time.Advance(Options.IdleTimeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(next.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        var report = updates.Current;
        var attempt = Assert.Single(report.Contents.OfType<AttemptContent>()).Attempt;
        Assert.Contains("stopped streaming", attempt.Error, StringComparison.Ordinal);
        Assert.Equal(true, report.AdditionalProperties?[ChatUpdateKeys.Restart]);

        var retried = updates.MoveNextAsync().AsTask();
        for (var i = 0; i < 100 && !retried.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.True(await retried.WaitAsync(TimeSpan.FromSeconds(10)));
        var rest = new List<ChatResponseUpdate> { updates.Current };
        while (await updates.MoveNextAsync())
        {
            rest.Add(updates.Current);
        }

        Assert.Equal(2, provider.Calls.Count);
        Assert.Contains(rest, u => u.FinishReason == ChatFinishReason.Stop);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SecondCallOnTheClientStalls_RestartedAfterExactlyTheIdleTimeout()
    {
        // Each call's watch (and its timer) is handed on to the client's next call; a stale timer must not fire into it.
        var time = new FakeTimeProvider();
        var provider = new ScriptedProvider(time, new ProviderStep(), ProviderStep.StallsAfterText);
        using var client = Create(provider, time);
        await ReadAllAsync(client);
        time.Advance(Options.IdleTimeout * 3);

        await using var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        var next = updates.MoveNextAsync().AsTask();
        time.Advance(Options.IdleTimeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(next.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        var attempt = Assert.Single(updates.Current.Contents.OfType<AttemptContent>()).Attempt;
        Assert.Contains("stopped streaming", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SecondCallSendsNothing_GivenUpOnAfterExactlyTheFirstTokenTimeout()
    {
        // The first-token bound (20 s) is longer than the idle bound (10 s): the timer first wakes at 10 s and must then wait
        // for the rest of the 20 s, not give up early.
        var time = new FakeTimeProvider();
        var provider = new ScriptedProvider(time, new ProviderStep(), ProviderStep.Stalls);
        using var client = Create(provider, time);
        await ReadAllAsync(client);

        await using var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]).GetAsyncEnumerator();
        var first = updates.MoveNextAsync().AsTask();
        time.Advance(Options.IdleTimeout);
        await Task.Delay(50);
        time.Advance(Options.FirstTokenTimeout - Options.IdleTimeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(first.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        var attempt = Assert.Single(updates.Current.Contents.OfType<AttemptContent>()).Attempt;
        Assert.Contains("sent nothing within 20 s", attempt.Error, StringComparison.Ordinal);
    }

    private static async Task ReadAllAsync(IChatClient client)
    {
        var text = string.Empty;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi.")]))
        {
            text += update.Text;
        }

        Assert.Equal("Hello.", text);
    }

    private static ResilientChatClient Create(IChatClient provider, TimeProvider time) =>
        new(provider, Options, new EndpointCircuit(Options, time), "Scripted", time);
}
