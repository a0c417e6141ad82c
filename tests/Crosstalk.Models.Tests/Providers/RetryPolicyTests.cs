using Crosstalk.Conversations;
using Crosstalk.Models.Middleware;
using Crosstalk.Models.Providers;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>
/// When the resilience middleware starts each attempt, when it gives up, and what it records, measured in fake time:
/// the test moves the clock and watches when the scripted provider is called.
/// </summary>
public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    // How long a test waits in real time for something the fake clock has already made due.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Hi.")];

    public static TheoryData<bool> Streaming() => new() { false, true };

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_RateLimitedWithRetryAfter_NextAttemptStartsExactlyWhenAsked(bool streaming)
    {
        var time = new RecordingTime();
        var provider = new ScriptedProvider(time, ProviderStep.Fails(RateLimited(TimeSpan.FromSeconds(7))));
        using var client = Create(provider, new ResilienceOptions(), time);

        var call = Task.Run(() => AskAsync(client, streaming));
        await NextAttemptStartsAfterAsync(time, provider, attemptsSoFar: 1, TimeSpan.FromSeconds(7));
        var reply = await call.WaitAsync(Patience);

        Assert.Equal("Hello.", reply.Text);
        var attempt = Assert.Single(reply.Attempts);
        Assert.Equal(429, attempt.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), attempt.RetryAfter);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_RetryAfterLongerThanMaxRetryAfter_WaitsOnlyMaxRetryAfter(bool streaming)
    {
        var time = new RecordingTime();
        var options = new ResilienceOptions { MaxRetryAfter = TimeSpan.FromSeconds(10) };
        var provider = new ScriptedProvider(time, ProviderStep.Fails(RateLimited(TimeSpan.FromMinutes(2))));
        using var client = Create(provider, options, time);

        var call = Task.Run(() => AskAsync(client, streaming));
        await NextAttemptStartsAfterAsync(time, provider, attemptsSoFar: 1, options.MaxRetryAfter);
        var reply = await call.WaitAsync(Patience);

        Assert.Equal("Hello.", reply.Text);
        Assert.Equal(TimeSpan.FromMinutes(2), Assert.Single(reply.Attempts).RetryAfter);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_ServerErrorsWithoutRetryAfter_BackoffDoublesWithJitterUpToMaxDelay(bool streaming)
    {
        var time = new RecordingTime();
        var options = new ResilienceOptions { MaxAttempts = 6, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5) };
        var provider = new ScriptedProvider(time, [.. Enumerable.Range(0, 5).Select(_ => ProviderStep.Fails(ServerError()))]);
        using var client = Create(provider, options, time);

        var call = Task.Run(() => AskAsync(client, streaming));
        for (var failed = 1; failed <= 5; failed++)
        {
            // With the jitter drawn as 0.5, each wait is exactly three quarters of BaseDelay × 2^(n−1), capped at MaxDelay.
            var bound = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failed - 1), 5));
            await NextAttemptStartsAfterAsync(time, provider, failed, bound * 0.75);
        }

        var reply = await call.WaitAsync(Patience);
        Assert.Equal("Hello.", reply.Text);
        Assert.Equal([1, 2, 3, 4, 5], reply.Attempts.Select(a => a.Number));
        Assert.All(reply.Attempts, a => Assert.Equal(500, a.StatusCode));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_Unauthorized_TriedOnceAndThrownWithOneAttempt(bool streaming)
    {
        var time = new RecordingTime();
        var refused = new ProviderException("Scripted refused the key (401 unauthorized).", "unauthorized", 401, false);
        var provider = new ScriptedProvider(time, ProviderStep.Fails(refused));
        using var client = Create(provider, new ResilienceOptions(), time);

        var error = await Assert.ThrowsAsync<ProviderException>(() => AskAsync(client, streaming).WaitAsync(Patience));

        Assert.Same(refused, error);
        var attempt = Assert.Single(error.Attempts);
        Assert.Equal(1, attempt.Number);
        Assert.Equal(401, attempt.StatusCode);
        Assert.Single(provider.Calls);
        Assert.Empty(time.Waits);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_ProviderStallsUntilTheTotalTimeout_CancelsTheAttemptAndThrowsTimeoutOnTime(bool streaming)
    {
        var time = new RecordingTime();
        var options = new ResilienceOptions
        {
            MaxAttempts = 10,
            TotalTimeout = TimeSpan.FromSeconds(30),
            FirstTokenTimeout = TimeSpan.FromSeconds(20),
            AttemptTimeout = TimeSpan.FromSeconds(20),
            MaxDelay = TimeSpan.FromSeconds(1),
        };
        var provider = new ScriptedProvider(time, [.. Enumerable.Range(0, 10).Select(_ => ProviderStep.Stalls)]);
        using var client = Create(provider, options, time);
        var origin = time.GetUtcNow();

        var call = Task.Run(() => AskAsync(client, streaming));
        await WaitUntilAsync(() => provider.Calls.Count == 1, "the first attempt");
        time.Advance(TimeSpan.FromSeconds(20));
        await WaitUntilAsync(() => time.Waits.Count == 1, "the wait after the first attempt timed out");
        Assert.True(provider.Calls[0].Token.IsCancellationRequested);
        time.Advance(time.Waits[0]);
        await WaitUntilAsync(() => provider.Calls.Count == 2, "the second attempt");

        time.Advance(origin + options.TotalTimeout - Tick - time.GetUtcNow());
        await Task.Delay(5);
        Assert.False(call.IsCompleted);
        Assert.False(provider.Calls[1].Token.IsCancellationRequested);
        time.Advance(Tick);
        var error = await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(Patience));

        Assert.Equal("timeout", error.Kind);
        Assert.Contains("within 30 s", error.Message, StringComparison.Ordinal);
        Assert.True(provider.Calls[1].Token.IsCancellationRequested);
        Assert.Equal(2, provider.Calls.Count);
        Assert.Equal(options.TotalTimeout, time.GetUtcNow() - origin);

        // Both attempts count: the one that timed out on its own, and the one the total time cut short.
        Assert.Contains("(2 attempts)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Attempts.Count);
        Assert.Contains("within 20 s", error.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Contains("total time ran out", error.Attempts[1].Error, StringComparison.Ordinal);
        Assert.Equal([1, 2], error.Attempts.Select(a => a.Number));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_RetryAfterWouldOutlastTheTotalTimeout_ThrowsTimeoutWithoutWaiting(bool streaming)
    {
        var time = new RecordingTime();
        var options = new ResilienceOptions { MaxAttempts = 10, TotalTimeout = TimeSpan.FromSeconds(30) };
        var provider = new ScriptedProvider(time, [.. Enumerable.Range(0, 10).Select(_ => ProviderStep.Fails(RateLimited(TimeSpan.FromSeconds(20))))]);
        using var client = Create(provider, options, time);
        var origin = time.GetUtcNow();

        var call = Task.Run(() => AskAsync(client, streaming));
        await NextAttemptStartsAfterAsync(time, provider, attemptsSoFar: 1, TimeSpan.FromSeconds(20));
        var error = await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(Patience));

        Assert.Equal("timeout", error.Kind);
        Assert.Contains("within 30 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(20), time.GetUtcNow() - origin);
        Assert.Equal([429, 429], error.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(2, provider.Calls.Count);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_WaitBeforeRetryEndsLateAfterTheTotalTimeout_ThrowsTimeout(bool streaming)
    {
        // The process was suspended or starved during the wait, so the wait ended after the total time had run out.
        var time = new RecordingTime();
        var options = new ResilienceOptions { MaxAttempts = 10, TotalTimeout = TimeSpan.FromSeconds(10) };
        var provider = new ScriptedProvider(time, ProviderStep.Fails(RateLimited(TimeSpan.FromSeconds(9))));
        using var client = Create(provider, options, time);

        var call = Task.Run(() => AskAsync(client, streaming));
        await WaitUntilAsync(() => time.Waits.Count == 1, "the wait after the first attempt");
        time.Advance(TimeSpan.FromSeconds(15));
        var error = await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(Patience));

        Assert.Equal("timeout", error.Kind);
        Assert.Contains("within 10 s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_CircuitOpenedByAnotherClientOfTheEndpoint_RejectedUntilTheBreakIsOver(bool streaming)
    {
        var time = new RecordingTime();
        var options = new ResilienceOptions
        {
            MaxAttempts = 1,
            BreakerMinimumThroughput = 2,
            BreakerFailureRatio = 0.5,
            BreakerSamplingDuration = TimeSpan.FromSeconds(30),
            BreakerBreakDuration = TimeSpan.FromSeconds(15),
        };
        var circuit = new EndpointCircuit(options, time);
        var failing = new ScriptedProvider(time, ProviderStep.Fails(Overloaded()), ProviderStep.Fails(Overloaded()));
        var healthy = new ScriptedProvider(time);
        using var first = new ResilientChatClient(failing, options, circuit, "First", time);
        using var second = new ResilientChatClient(healthy, options, circuit, "Second", time);

        await Assert.ThrowsAsync<ProviderException>(() => AskAsync(first, streaming));
        await Assert.ThrowsAsync<ProviderException>(() => AskAsync(first, streaming));
        Assert.Equal(CircuitState.Open, circuit.State);

        var rejected = await Assert.ThrowsAsync<ProviderException>(() => AskAsync(second, streaming));
        Assert.Empty(healthy.Calls);
        Assert.Equal("circuit_open", rejected.Kind);
        var attempt = Assert.Single(rejected.Attempts);
        Assert.Contains("circuit for Second is open", attempt.Error, StringComparison.Ordinal);
        Assert.Equal(options.BreakerBreakDuration, attempt.RetryAfter);

        time.Advance(options.BreakerBreakDuration - Tick);
        rejected = await Assert.ThrowsAsync<ProviderException>(() => AskAsync(second, streaming));
        Assert.Equal("circuit_open", rejected.Kind);
        Assert.Empty(healthy.Calls);

        time.Advance(Tick);
        var reply = await AskAsync(second, streaming).WaitAsync(Patience);
        Assert.Equal("Hello.", reply.Text);
        Assert.Empty(reply.Attempts);
        Assert.Single(healthy.Calls);
        Assert.Equal(CircuitState.Closed, circuit.State);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_CircuitOpenWithAttemptsLeft_WaitsOutTheBreakAndSucceeds(bool streaming)
    {
        var time = new RecordingTime();
        var breaker = new ResilienceOptions { MaxAttempts = 1, BreakerMinimumThroughput = 2, BreakerBreakDuration = TimeSpan.FromSeconds(15) };
        var circuit = new EndpointCircuit(breaker, time);
        var healthy = new ScriptedProvider(time);
        using var first = new ResilientChatClient(new ScriptedProvider(time, ProviderStep.Fails(Overloaded()), ProviderStep.Fails(Overloaded())), breaker, circuit, "First", time);
        using var second = new ResilientChatClient(healthy, new ResilienceOptions { MaxAttempts = 3, BreakerMinimumThroughput = 2 }, circuit, "Second", time);
        await Assert.ThrowsAsync<ProviderException>(() => AskAsync(first, streaming));
        await Assert.ThrowsAsync<ProviderException>(() => AskAsync(first, streaming));
        var opened = time.GetUtcNow();

        var call = Task.Run(() => AskAsync(second, streaming));
        await WaitUntilAsync(() => time.Waits.Count == 1, "the wait for the circuit");
        time.Advance(breaker.BreakerBreakDuration - Tick);
        await Task.Delay(5);
        Assert.Empty(healthy.Calls);
        time.Advance(Tick);
        var reply = await call.WaitAsync(Patience);

        Assert.Equal("Hello.", reply.Text);
        Assert.Equal(breaker.BreakerBreakDuration, Assert.Single(healthy.Calls).Started - opened);
        Assert.Contains("circuit for Second is open", Assert.Single(reply.Attempts).Error, StringComparison.Ordinal);
        Assert.Equal(CircuitState.Closed, circuit.State);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsMidStream_OperationCanceledAndNoAttemptRecorded()
    {
        var time = new RecordingTime();
        var provider = new ScriptedProvider(time, ProviderStep.StallsAfterText);
        var log = new AttemptLog();
        using var client = new ResilientChatClient(
            provider, new ResilienceOptions(), new EndpointCircuit(new ResilienceOptions(), time), "Scripted", time, log);
        using var caller = new CancellationTokenSource();
        var received = new List<ChatResponseUpdate>();
        await using var updates = client.GetStreamingResponseAsync(Question, cancellationToken: caller.Token).GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync());
        received.Add(updates.Current);
        var next = updates.MoveNextAsync().AsTask();
        await Task.Delay(5);
        caller.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Patience));

        Assert.Equal("Hel", Assert.Single(received).Text);
        Assert.Single(provider.Calls);
        Assert.True(provider.Calls[0].Token.IsCancellationRequested);
        Assert.Empty(time.Waits);
        Assert.Empty(log.Messages);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelsWhileWaitingForTheReply_OperationCanceledAndNoAttemptRecorded()
    {
        var time = new RecordingTime();
        var provider = new ScriptedProvider(time, ProviderStep.Stalls);
        var log = new AttemptLog();
        using var client = new ResilientChatClient(
            provider, new ResilienceOptions(), new EndpointCircuit(new ResilienceOptions(), time), "Scripted", time, log);
        using var caller = new CancellationTokenSource();

        var call = Task.Run(() => client.GetResponseAsync(Question, cancellationToken: caller.Token));
        await WaitUntilAsync(() => provider.Calls.Count == 1, "the first attempt");
        caller.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));

        Assert.Single(provider.Calls);
        Assert.Empty(time.Waits);
        Assert.Empty(log.Messages);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task GetResponse_CallerCancelsDuringTheWaitBeforeARetry_OperationCanceledAndNotRetried(bool streaming)
    {
        var time = new RecordingTime();
        var provider = new ScriptedProvider(time, ProviderStep.Fails(ServerError()));
        using var client = Create(provider, new ResilienceOptions(), time);
        using var caller = new CancellationTokenSource();

        var call = Task.Run(() => AskAsync(client, streaming, caller.Token));
        await WaitUntilAsync(() => time.Waits.Count == 1, "the wait after the first attempt");
        caller.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(5);

        Assert.Single(provider.Calls);
    }

    private static ResilientChatClient Create(IChatClient provider, ResilienceOptions options, RecordingTime time)
    {
        time.Ignore(options);
        return new(provider, options, new EndpointCircuit(options, time), "Scripted", time, jitter: () => 0.5);
    }

    private static ProviderException RateLimited(TimeSpan retryAfter) =>
        new("Scripted is rate limited (429).", "rate_limited", 429, true, retryAfter);

    private static ProviderException ServerError() => new("Scripted failed (500).", "server_error", 500, true);

    private static ProviderException Overloaded() => new("Scripted is overloaded (503).", "overloaded", 503, true);

    // Asks once, streamed or not, and returns the reply's text with the failed attempts the middleware reported.
    private static async Task<Reply> AskAsync(IChatClient client, bool streaming, CancellationToken cancellationToken = default)
    {
        if (!streaming)
        {
            var response = await client.GetResponseAsync(Question, cancellationToken: cancellationToken);
            var attempts = response.Messages.SelectMany(m => m.Contents).OfType<AttemptContent>().Select(a => a.Attempt).ToList();
            return new Reply(response.Text, attempts);
        }

        var text = new System.Text.StringBuilder();
        var reported = new List<Attempt>();
        await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: cancellationToken))
        {
            reported.AddRange(update.Contents.OfType<AttemptContent>().Select(a => a.Attempt));
            if (update.AdditionalProperties?.ContainsKey(ChatUpdateKeys.Restart) == true)
            {
                text.Clear();
            }

            text.Append(update.Text);
        }

        return new Reply(text.ToString(), reported);
    }

    // Moves the clock to just before the expected start of the next attempt, checks it has not started, then to the
    // expected start; returns the gap between the failed attempt and the next one, in fake time.
    private static async Task<TimeSpan> NextAttemptStartsAfterAsync(RecordingTime time, ScriptedProvider provider, int attemptsSoFar, TimeSpan expected)
    {
        await WaitUntilAsync(() => provider.Calls.Count == attemptsSoFar && time.Waits.Count >= attemptsSoFar, $"the wait after attempt {attemptsSoFar}");
        var failedAt = provider.Calls[attemptsSoFar - 1].Started;
        time.Advance(expected - Tick);
        await Task.Delay(5);
        Assert.Equal(attemptsSoFar, provider.Calls.Count);
        time.Advance(Tick);
        await WaitUntilAsync(() => provider.Calls.Count > attemptsSoFar, $"attempt {attemptsSoFar + 1}");
        var gap = provider.Calls[attemptsSoFar].Started - failedAt;
        Assert.Equal(expected, gap);
        return gap;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out (in real time) waiting for {what}.");
            }

            await Task.Delay(1);
        }
    }

    private sealed record Reply(string Text, IReadOnlyList<Attempt> Attempts);

    // The fake clock, which also notes every timer armed with a due time other than a message's bounds (its total time, an
    // attempt's or a first chunk's timeout): the waits before a retry.
    private sealed class RecordingTime : FakeTimeProvider
    {
        private readonly HashSet<TimeSpan> _bounds = [];
        private readonly SnapshotList<TimeSpan> _waits = new();

        public RecordingTime() => Ignore(new ResilienceOptions());

        public IReadOnlyList<TimeSpan> Waits => _waits.Snapshot();

        public void Ignore(ResilienceOptions options)
        {
            lock (_bounds)
            {
                _bounds.UnionWith([options.TotalTimeout, options.AttemptTimeout, options.FirstTokenTimeout]);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            bool bound;
            lock (_bounds)
            {
                bound = _bounds.Contains(dueTime);
            }

            if (dueTime != Timeout.InfiniteTimeSpan && !bound)
            {
                _waits.Add(dueTime);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    // Collects what the middleware logs as a warning or worse: every failed attempt.
    private sealed class AttemptLog : ILogger
    {
        private readonly SnapshotList<string> _messages = new();

        public IReadOnlyList<string> Messages => _messages.Snapshot();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Add(formatter(state, exception));
    }
}
