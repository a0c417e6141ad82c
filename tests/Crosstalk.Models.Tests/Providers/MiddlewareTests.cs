using System.Diagnostics;
using Crosstalk.Conversations;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

public sealed class MiddlewareTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_ProviderReportsNoUsage_EstimatedAndMarked()
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Reply = _ => new FakeReply("Four words of reply.", ReportUsage: false);
        using var client = fakes.Factory.CreateClient("fake-4o", out _);
        var reader = new ReplyReader();
        var events = new List<ConversationEvent>();

        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Say four words.")]))
        {
            reader.Read(update, 1, 1, events);
        }

        var reply = reader.ToMessage(1, "4o");
        Assert.NotNull(reply.Usage);
        Assert.True(reply.Usage.Estimated);
        Assert.Equal(5, reply.Usage.OutputTokens);
        Assert.InRange(reply.Usage.InputTokens, 5, 20);
        Assert.NotNull(reply.Cost);
        Assert.NotNull(reply.TimeToFirstToken);
        Assert.True(reply.Latency >= reply.TimeToFirstToken);
    }

    [Fact]
    public async Task CreateClient_SharedConcurrencyLimit_NeverMoreInFlightThanAllowed()
    {
        await using var fakes = await FakeModels.StartAsync(extraYaml: """
              - name: limited
                provider: fake-openai
                model: limited-model
                limits: { concurrency: 2 }
            """);
        var inFlight = 0;
        var peak = 0;
        fakes.OpenAI.TokenLatency = TimeSpan.FromMilliseconds(20);
        fakes.OpenAI.Reply = r =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            return new FakeReply("a b c d e");
        };

        // Separate clients, as separate conversations would have; the limit is per model, not per client.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var client = fakes.Factory.CreateClient("limited", out _);
            var done = false;
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "go")]))
            {
                if (update.FinishReason is not null && !done)
                {
                    done = true;
                    Interlocked.Decrement(ref inFlight);
                }
            }
        }));

        Assert.Equal(8, fakes.OpenAI.RequestCount);
        Assert.InRange(peak, 1, 2);
    }

    [Fact]
    public async Task CreateClient_RequestsPerMinute_SpreadsRequests()
    {
        await using var fakes = await FakeModels.StartAsync(extraYaml: """
              - name: slow-rpm
                provider: fake-openai
                model: rpm-model
                limits: { rpm: 2 }
            """);
        using var client = fakes.Factory.CreateClient("slow-rpm", out _);
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")]);
        }

        // Two permits at once, then one per second.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.5), $"3 requests at 2 rpm took only {watch.Elapsed}");
    }

    [Fact]
    public async Task CreateClient_OpenTelemetryOn_EmitsChatSpans()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Crosstalk.Test.Otel",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var fakes = await FakeModels.StartAsync();
        using var factory = new Crosstalk.Models.Providers.ModelClientFactory(fakes.Factory.Catalog, new() { EnableOpenTelemetry = true, TelemetrySourceName = "Crosstalk.Test.Otel", Resilience = FakeModels.FastResilience() });
        using var client = factory.CreateClient("fake-4o", out _);

        await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync();

        Assert.Contains(spans, s => s.DisplayName.Contains("gpt-4o", StringComparison.Ordinal));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
