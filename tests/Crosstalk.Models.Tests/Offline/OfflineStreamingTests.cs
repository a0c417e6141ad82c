using Crosstalk.Models.Offline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Crosstalk.Models.Tests.Offline;

public sealed class OfflineStreamingTests
{
    public static TheoryData<string> Agents => ["offline:eliza", "offline:markov", "replay:hand-made#2"];

    [Theory]
    [MemberData(nameof(Agents))]
    public async Task GetResponseAsync_CancelledToken_Throws(string reference)
    {
        using var client = Create(reference, new OfflineAgentOptions());
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello.")], cancellationToken: cancellation.Token));
    }

    [Theory]
    [MemberData(nameof(Agents))]
    public async Task GetStreamingResponseAsync_TokenDelay_WaitsOnTheTimeProviderBeforeEachWord(string reference)
    {
        var time = new FakeTimeProvider();
        using var client = Create(reference, new OfflineAgentOptions { TokenDelay = TimeSpan.FromSeconds(1), TimeProvider = time });
        await using var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Men are all alike.")]).GetAsyncEnumerator();

        var first = updates.MoveNextAsync().AsTask();
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEmpty(updates.Current.Contents);

        var second = updates.MoveNextAsync().AsTask();
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledWhileWaiting_StopsStreaming()
    {
        var time = new FakeTimeProvider();
        using var eliza = Create("offline:eliza", new OfflineAgentOptions { TokenDelay = TimeSpan.FromSeconds(1), TimeProvider = time });
        using var cancellation = new CancellationTokenSource();
        await using var updates = eliza.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello.")], cancellationToken: cancellation.Token).GetAsyncEnumerator();

        var first = updates.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("one")]
    [InlineData("  two words\n\nand\tmore  ")]
    public void SplitWords_AnyText_ConcatenatesBackExactly(string text)
    {
        Assert.Equal(text, string.Concat(OfflineStreaming.SplitWords(text)));
    }

    private static IChatClient Create(string reference, OfflineAgentOptions options)
    {
        options.LoadTranscript = _ => ReplayChatClientTests.HandMade();
        OfflineAgents.TryCreate(reference, options, out var client, out _);
        return client!;
    }
}
