using System.Collections.Concurrent;
using Crosstalk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crosstalk.Engine.Execution;

/// <summary>
/// Holds this engine's conversation leases: takes them, renews every one of them in a single write a few times per lease
/// duration, and tells a conversation when its lease was taken over (this process stalled past the expiry), so that it
/// stops without writing anything more.
/// </summary>
internal sealed partial class LeaseKeeper : IAsyncDisposable
{
    private readonly ITranscriptStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _held = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public LeaseKeeper(ITranscriptStore store, string owner, TimeSpan duration, TimeProvider time, ILogger? logger = null)
    {
        _store = store;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        Owner = owner;
        Duration = duration;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>This engine's owner id.</summary>
    public string Owner { get; }

    /// <summary>How long a lease holds without renewal.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// Takes the conversation's lease: free, expired, or held by an owner that is dead on this machine. Returns a token that
    /// fires if the lease is lost later, or null when someone else holds it (or the conversation has finished).
    /// </summary>
    public async Task<CancellationToken?> TryAcquireAsync(
        long conversationId, string? currentOwner, IReadOnlyCollection<string>? deadOwners, CancellationToken cancellationToken)
    {
        var dead = new List<string>(deadOwners ?? []);
        if (currentOwner is not null && currentOwner != Owner && LeaseOwners.IsDeadOnThisMachine(currentOwner))
        {
            dead.Add(currentOwner);
        }

        var lease = new ConversationLease(Owner, _time.GetUtcNow(), Duration, dead.Count == 0 ? null : dead);
        if (!await _store.TryAcquireLeaseAsync(conversationId, lease, cancellationToken))
        {
            return null;
        }

        var lost = new CancellationTokenSource();
        _held[conversationId] = lost;
        return lost.Token;
    }

    /// <summary>Forgets the conversation (its completion released the lease) or gives the lease back.</summary>
    public async Task ReleaseAsync(long conversationId, bool giveBack)
    {
        if (_held.TryRemove(conversationId, out var lost))
        {
            lost.Dispose();
        }

        if (giveBack)
        {
            try
            {
                await _store.ReleaseLeaseAsync(conversationId, Owner, CancellationToken.None);
            }
            catch (TranscriptStoreException ex)
            {
                // It expires by itself.
                LogReleaseFailed(_logger, conversationId, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Duration / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                if (_held.IsEmpty)
                {
                    continue;
                }

                try
                {
                    // Only the leases held before the renewal are judged by it: one taken while it ran is not in its answer
                    // yet, and is not lost.
                    var before = _held.ToArray();
                    var still = (await _store.RenewLeasesAsync(Owner, _time.GetUtcNow(), Duration, _stopping.Token)).ToHashSet();
                    foreach (var held in before)
                    {
                        var (id, lost) = held;
                        if (!still.Contains(id) && _held.TryRemove(held))
                        {
                            LogLeaseLost(_logger, id);
                            lost.Cancel();
                        }
                    }
                }
                catch (TranscriptStoreException ex)
                {
                    // The store is away; the conversations' own writes fail and say so. The next tick tries again.
                    LogRenewFailed(_logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId}: its lease was taken over by another process; this one stops running it")]
    private static partial void LogLeaseLost(ILogger logger, long conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leases not renewed: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {ConversationId}: lease not given back ({Reason}); it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, long conversationId, string reason);
}
