using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Waits for a permit from the shared limiters of the model (concurrency, requests per minute, tokens per minute) before
/// the reply is requested, and holds the concurrency permit until the reply has been read to the end.
/// </summary>
internal sealed partial class RateLimitingChatClient : DelegatingChatClient
{
    private readonly RateLimiterSet _limiters;
    private readonly ILogger _logger;
    private readonly string _name;

    public RateLimitingChatClient(IChatClient innerClient, RateLimiterSet limiters, string name = "", ILogger? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        _limiters = limiters;
        _name = name;
        _logger = logger ?? NullLogger.Instance;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        using var lease = await AcquireAsync(history, options, cancellationToken);
        return await base.GetResponseAsync(history, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // Without limits there is nothing to hold, so the updates need not pass through another iterator.
        _limiters is { Requests: null, Tokens: null, Concurrency: null }
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : StreamLimitedAsync(messages, options, cancellationToken);

    private async IAsyncEnumerable<ChatResponseUpdate> StreamLimitedAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        using var lease = await AcquireAsync(history, options, cancellationToken);
        await foreach (var update in base.GetStreamingResponseAsync(history, options, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return update;
        }
    }

    private async Task<IDisposable?> AcquireAsync(IReadOnlyList<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lease = await AcquireLimitsAsync(history, options, cancellationToken);
        var waited = Stopwatch.GetElapsedTime(started);
        if (waited >= NoticeableWait)
        {
            LogWaited(_logger, _name, waited);
        }

        return lease;
    }

    private async Task<IDisposable?> AcquireLimitsAsync(IReadOnlyList<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken)
    {
        if (_limiters.Requests is { } requests)
        {
            using var permit = await requests.AcquireAsync(1, cancellationToken);
            EnsureAcquired(permit, "requests per minute");
        }

        if (_limiters.Tokens is { } tokens)
        {
            var wanted = TokenEstimator.Count(history) + (options?.MaxOutputTokens ?? 0);
            // A request larger than the whole budget waits for a full bucket rather than failing.
            using var permit = await tokens.AcquireAsync(Math.Clamp(wanted, 1, _limiters.TokensPerMinute), cancellationToken);
            EnsureAcquired(permit, "tokens per minute");
        }

        if (_limiters.Concurrency is { } concurrency)
        {
            var lease = await concurrency.AcquireAsync(1, cancellationToken);
            EnsureAcquired(lease, "concurrency");
            return lease;
        }

        return null;
    }

    private static void EnsureAcquired(RateLimitLease lease, string what)
    {
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new InvalidOperationException($"The {what} limit refused a permit although its queue is unbounded.");
        }
    }

    private static readonly TimeSpan NoticeableWait = TimeSpan.FromMilliseconds(10);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Model}: waited {Wait} for the rate limits")]
    private static partial void LogWaited(ILogger logger, string model, TimeSpan wait);
}
