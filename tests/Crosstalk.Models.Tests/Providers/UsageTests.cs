using System.Runtime.CompilerServices;
using Crosstalk.Conversations;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>
/// The usage layer on its own, over a provider that sends exactly the given updates, delivered either at once or each
/// after a trip through the thread pool (the two ways a stream's moves complete).
/// </summary>
public sealed class UsageTests
{
    private static readonly ModelEntry Priced = new()
    {
        Name = "priced",
        DisplayName = "Priced",
        Provider = "test",
        Api = ModelApi.OpenAI,
        ModelId = "priced",
        InputPricePerMillion = 1_000_000m,
        OutputPricePerMillion = 2_000_000m,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetStreamingResponseAsync_UsageInPieces_OneMergedUsageAtTheEndWithCost(bool paced)
    {
        // Anthropic's shape: input tokens at the start, output tokens with the finish reason, then the end.
        using var client = new UsageChatClient(new Provider(paced,
            Update(new UsageContent(new UsageDetails { InputTokenCount = 7 })),
            Update(new TextContent("Hel")),
            Update(new TextContent("lo.")),
            Update(new UsageContent(new UsageDetails { OutputTokenCount = 3 }), ChatFinishReason.Stop)), Priced);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync();

        Assert.Equal(5, updates.Count);
        Assert.All(updates.SkipLast(1), u => Assert.DoesNotContain(u.Contents, c => c is UsageContent));
        var usage = Assert.Single(updates[^1].Contents.OfType<UsageContent>()).Details;
        Assert.Equal((7, 3, 10), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
        Assert.Equal(7m + 6m, Assert.Single(updates[^1].Contents.OfType<CostContent>()).Usd);
        Assert.Equal("Hello.", string.Concat(updates.Select(u => u.Text)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetStreamingResponseAsync_StreamEndsBeforeFinishReason_NoClosingUpdate(bool paced)
    {
        using var client = new UsageChatClient(new Provider(paced, Update(new TextContent("Hel"))), Priced);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync();

        Assert.Equal("Hel", Assert.Single(updates).Text);
        Assert.DoesNotContain(updates[0].Contents, c => c is UsageContent or CostContent);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetStreamingResponseAsync_CallerSkipsUpdatesUnread_TheirUsageStillCounted(bool paced)
    {
        using var client = new UsageChatClient(new Provider(paced,
            Update(new TextContent("Hello."), ChatFinishReason.Stop),
            Update(new UsageContent(new UsageDetails { InputTokenCount = 4, OutputTokenCount = 2 }))), Priced);

        await using var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).GetAsyncEnumerator();
        ChatResponseUpdate? last = null;
        var moves = 0;
        while (await updates.MoveNextAsync())
        {
            // Only the last update is read: the one with the text and the one with the usage are moved past.
            moves++;
            last = moves == 3 ? updates.Current : null;
        }

        Assert.Equal(3, moves);
        var usage = Assert.Single(last!.Contents.OfType<UsageContent>()).Details;
        Assert.Equal((4, 2), (usage.InputTokenCount, usage.OutputTokenCount));
        Assert.False(usage.AdditionalCounts?.ContainsKey(ChatUpdateKeys.Estimated) ?? false);
    }

    private static ChatResponseUpdate Update(AIContent content, ChatFinishReason? finish = null) => new(ChatRole.Assistant, [content]) { FinishReason = finish };

    private sealed class Provider(bool paced, params ChatResponseUpdate[] updates) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in updates)
            {
                if (paced)
                {
                    await Task.Yield();
                }

                // A copy, so that each test run sees the updates as the provider sent them.
                yield return new ChatResponseUpdate(update.Role, [.. update.Contents]) { FinishReason = update.FinishReason };
            }

            if (paced)
            {
                await Task.Yield();
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
