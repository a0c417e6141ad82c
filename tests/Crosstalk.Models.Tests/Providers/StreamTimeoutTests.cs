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

    private static ResilientChatClient Create(IChatClient provider, TimeProvider time) =>
        new(provider, Options, new EndpointCircuit(Options, time), "Scripted", time);
}
