using Crosstalk.Conversations;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Providers;

public sealed class ResilienceTests
{
    public static TheoryData<string, FaultKind> EveryFault()
    {
        var data = new TheoryData<string, FaultKind>();
        foreach (var model in new[] { "fake-4o", "fake-claude" })
        {
            foreach (var fault in FaultPlan.AllKinds)
            {
                data.Add(model, fault);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryFault))]
    public async Task GetStreamingResponseAsync_OneFault_RetriesAndReportsTheAttempt(string model, FaultKind fault)
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.OpenAI.Faults = fakes.Anthropic.Faults = FaultPlan.Sequence(fault);
        fakes.OpenAI.Reply = fakes.Anthropic.Reply = r => new FakeReply("One two three four five six.");
        using var client = fakes.Factory.CreateClient(model, out _);

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Count.")]).ToListAsync();

        var attempt = Assert.Single(updates.SelectMany(u => u.Contents).OfType<AttemptContent>()).Attempt;
        Assert.Equal(1, attempt.Number);
        Assert.False(string.IsNullOrWhiteSpace(attempt.Error));
        var text = TextAfterLastRestart(updates);
        Assert.Equal("One two three four five six.", text);
        var server = model == "fake-4o" ? (FakeProviderServer)fakes.OpenAI : fakes.Anthropic;
        Assert.Equal(2, server.RequestCount);
        if (fault is FaultKind.RateLimited)
        {
            Assert.Equal(429, attempt.StatusCode);
            Assert.Equal(TimeSpan.FromMilliseconds(50), attempt.RetryAfter);
        }

        if (fault is FaultKind.Overloaded)
        {
            Assert.Equal(529, attempt.StatusCode);
        }

        // Text had been streamed before the cut, stall, garbage or error event: the consumer is told to start over.
        var restarted = updates.Any(u => u.AdditionalProperties?.ContainsKey(ChatUpdateKeys.Restart) == true);
        Assert.Equal(fault is FaultKind.CutStream or FaultKind.StallMidStream or FaultKind.MalformedChunk or FaultKind.StreamError, restarted);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FaultsEveryTime_GivesUpAfterMaxAttemptsWithAllAttempts()
    {
        var resilience = FakeModels.FastResilience();
        resilience.MaxAttempts = 3;
        await using var fakes = await FakeModels.StartAsync(resilience: resilience);
        fakes.OpenAI.Faults = FaultPlan.Random(1.0, 1, FaultKind.ServerError);
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync().AsTask());

        Assert.Equal(3, error.Attempts.Count);
        Assert.All(error.Attempts, a => Assert.Equal(500, a.StatusCode));
        Assert.Equal(3, fakes.OpenAI.RequestCount);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fake-4o")]
    [InlineData("fake-claude")]
    public async Task GetStreamingResponseAsync_MalformedChunkEveryTime_GivesUpAsMalformedStreamLikeEachAttempt(string model)
    {
        const string kind = "malformed_stream";
        var resilience = FakeModels.FastResilience();
        resilience.MaxAttempts = 2;
        await using var fakes = await FakeModels.StartAsync(resilience: resilience);
        fakes.OpenAI.Faults = fakes.Anthropic.Faults = FaultPlan.Random(1.0, 1, FaultKind.MalformedChunk);
        fakes.OpenAI.Reply = fakes.Anthropic.Reply = r => new FakeReply("One two three four five six.");
        using var client = fakes.Factory.CreateClient(model, out _);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Count.")]).ToListAsync().AsTask());

        Assert.Equal(kind, error.Kind);
        Assert.Equal(2, error.Attempts.Count);
        Assert.All(error.Attempts, a => Assert.Contains($"({kind})", a.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_Unauthorized_FailsAtOnceWithOneSentence()
    {
        await using var fakes = await FakeModels.StartAsync();
        var (_, recorded) = WireFixtures.OpenAI("AuthFailure")[0];
        fakes.OpenAI.Enqueue(recorded);
        using var client = fakes.Factory.CreateClient("fake-4o", out _);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal(401, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Single(error.Attempts);
        Assert.Equal(1, fakes.OpenAI.RequestCount);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        // OpenAI echoes the start and end of a wrong key; that echo is removed.
        Assert.DoesNotContain("not-a-re", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_TransientFaults_RetriesAndRecordsAttemptsOnTheMessage()
    {
        await using var fakes = await FakeModels.StartAsync();
        fakes.Anthropic.Faults = FaultPlan.Sequence(FaultKind.Overloaded, FaultKind.RateLimited);
        using var client = fakes.Factory.CreateClient("fake-claude", out _);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal("Reply 3 from claude-sonnet-4-5.", response.Text);
        var attempts = response.Messages.SelectMany(m => m.Contents).OfType<AttemptContent>().Select(a => a.Attempt).OrderBy(a => a.Number).ToList();
        Assert.Equal([529, 429], attempts.Select(a => a.StatusCode ?? 0));
    }

    private static string TextAfterLastRestart(IReadOnlyList<ChatResponseUpdate> updates)
    {
        var start = 0;
        for (var i = 0; i < updates.Count; i++)
        {
            if (updates[i].AdditionalProperties?.ContainsKey(ChatUpdateKeys.Restart) == true)
            {
                start = i + 1;
            }
        }

        return string.Concat(updates.Skip(start).Select(u => u.Text));
    }
}
