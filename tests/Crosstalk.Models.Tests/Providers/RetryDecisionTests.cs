using Crosstalk.Models.Middleware;
using Crosstalk.Models.Providers;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>The retry policy on its own: no clock, no provider, the jitter drawn by the test.</summary>
public sealed class RetryDecisionTests
{
    private static readonly ResilienceOptions Options = new()
    {
        MaxAttempts = 5,
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(6),
        MaxRetryAfter = TimeSpan.FromSeconds(20),
    };

    private static readonly ProviderException ServerError = new("x answered 500 (server_error).", "server_error", 500, true);

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 1.0, 1000)]
    [InlineData(2, 0.5, 1500)]
    [InlineData(3, 0.0, 2000)]
    [InlineData(4, 1.0, 6000)]
    [InlineData(4, 0.5, 4500)]
    public void DelayAfter_NoRetryAfter_EqualJitterOverDoublingBaseCappedAtMaxDelay(int attempt, double jitter, int expectedMs)
    {
        var policy = new RetryPolicy(Options, () => jitter);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), policy.DelayAfter(attempt, ServerError));
    }

    [Theory]
    [InlineData(7, 7)]
    [InlineData(45, 20)]
    public void DelayAfter_RetryAfter_HonouredUpToMaxRetryAfterWhateverTheJitter(int askedSeconds, int expectedSeconds)
    {
        var policy = new RetryPolicy(Options, () => 0.9);
        var limited = new ProviderException("x answered 429 (rate_limited).", "rate_limited", 429, true, TimeSpan.FromSeconds(askedSeconds));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), policy.DelayAfter(1, limited));
    }

    [Fact]
    public void Decide_EachWayOfEnding_TheVerdictAUserWouldExpect()
    {
        var policy = new RetryPolicy(Options, () => 0.5);
        var refused = new ProviderException("x answered 401 (unauthorized).", "unauthorized", 401, false);

        Assert.Equal(RetryDecision.After(TimeSpan.FromMilliseconds(750)), policy.Decide(ServerError, 1, TimeSpan.FromMinutes(1)));
        Assert.Equal(RetryVerdict.Permanent, policy.Decide(refused, 1, TimeSpan.FromMinutes(1)).Verdict);
        Assert.Equal(RetryVerdict.OutOfAttempts, policy.Decide(ServerError, 5, TimeSpan.FromMinutes(1)).Verdict);
        Assert.Equal(RetryVerdict.OutOfTime, policy.Decide(ServerError, 1, TimeSpan.FromMilliseconds(750)).Verdict);
        Assert.True(policy.Decide(ServerError, 4, TimeSpan.FromMinutes(1)).Retries);
    }
}
