using System.Data.Common;
using System.Runtime.CompilerServices;
using Crosstalk.Analysis;
using Crosstalk.Transcripts;
using Polly;
using Polly.Retry;

namespace Crosstalk.Storage.Sql;

/// <summary>
/// The store's public face: every operation turns the driver's exceptions into a <see cref="TranscriptStoreException"/>
/// (one sentence, <see cref="TranscriptStoreException.IsTransient"/> set), and the idempotent ones — appends, completions,
/// leases, reads — are retried by Polly while the error is transient.
/// </summary>
internal abstract partial class SqlTranscriptStore
{
    // About 12 s of retries in all (0.25, 0.5, 1, 2, 4, 4 s, with jitter): a PostgreSQL restart or a busy SQLite file
    // passes unnoticed, a database that stays away fails the operation with one sentence.
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TranscriptStoreException>(e => e.IsTransient),
            MaxRetryAttempts = 6,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(4),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>Says in one sentence what a database error means for this store, and whether trying again may help.</summary>
    protected abstract TranscriptStoreException Describe(DbException exception);

    /// <summary>The store's exception for <paramref name="exception"/>, or null when it is not the database's (a bug, a cancellation).</summary>
    private TranscriptStoreException? Translate(Exception exception) => exception switch
    {
        TranscriptStoreException => null,
        DbException db => Describe(db),
        IOException io => new TranscriptStoreException($"The {Description} could not be read or written: {io.Message}", io, isTransient: false),
        UnauthorizedAccessException denied => new TranscriptStoreException($"The {Description} may not be written: {denied.Message}", denied, isTransient: false),
        _ => null,
    };

    private async Task<T> OnceAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(cancellationToken);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    private async Task OnceAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        await OnceAsync<bool>(async token => { await operation(token); return true; }, cancellationToken);

    private async Task<T> RetriedAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        await Retry.ExecuteAsync(async token => await OnceAsync(operation, token), cancellationToken);

    private async Task RetriedAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        await Retry.ExecuteAsync(async token => await OnceAsync(operation, token), cancellationToken);

    /// <summary>A stream whose driver errors arrive as the store's exception (not retried: part of it was already read).</summary>
    private async IAsyncEnumerable<T> Guarded<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                T current;
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        yield break;
                    }

                    current = enumerator.Current;
                }
                catch (Exception e) when (Translate(e) is { } translated)
                {
                    throw translated;
                }

                yield return current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public Task<string> CreateRunAsync(RunRecord run, CancellationToken cancellationToken = default) =>
        OnceAsync(token => CreateRunCoreAsync(run, [], token), cancellationToken);

    /// <inheritdoc />
    public Task<string> CreateRunAsync(RunRecord run, IReadOnlyList<NewConversation> conversations, CancellationToken cancellationToken = default) =>
        OnceAsync(token => CreateRunCoreAsync(run, conversations, token), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> CreateConversationsAsync(string? runId, IReadOnlyList<NewConversation> conversations, CancellationToken cancellationToken = default) =>
        OnceAsync(token => CreateConversationsCoreAsync(runId, conversations, token), cancellationToken);

    /// <inheritdoc />
    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetRunCoreAsync(runId, token), cancellationToken);

    /// <inheritdoc />
    public async Task<long> CreateConversationAsync(string? runId, Transcript header, string? specJson, CancellationToken cancellationToken = default) =>
        (await OnceAsync(token => CreateConversationsCoreAsync(runId, [new NewConversation(header, specJson)], token), cancellationToken))[0];

    /// <inheritdoc />
    public Task AppendMessageAsync(long conversationId, int index, TranscriptMessage message, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => AppendMessageCoreAsync(conversationId, index, message, token), cancellationToken);

    /// <inheritdoc />
    public Task CompleteConversationAsync(long conversationId, StopInfo stop, DateTimeOffset ended, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => CompleteConversationCoreAsync(conversationId, stop, ended, token), cancellationToken);

    /// <inheritdoc />
    public Task SetConversationMetadataAsync(long conversationId, string key, string value, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => SetConversationMetadataCoreAsync(conversationId, key, value, token), cancellationToken);

    /// <inheritdoc />
    public Task<Transcript?> GetTranscriptAsync(long conversationId, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetTranscriptCoreAsync(conversationId, token), cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetConversationSpecAsync(long conversationId, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetConversationSpecCoreAsync(conversationId, token), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ConversationSummary> ListConversationsAsync(ConversationQuery query, CancellationToken cancellationToken = default) =>
        Guarded(ListConversationsCoreAsync(query, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<long> CountConversationsAsync(ConversationQuery query, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => CountConversationsCoreAsync(query, token), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Transcript> ReadTranscriptsAsync(ConversationQuery query, CancellationToken cancellationToken = default) =>
        Guarded(ReadTranscriptsCoreAsync(query, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<MessageHit> SearchMessagesAsync(string text, int limit, int skip = 0, CancellationToken cancellationToken = default) =>
        Guarded(SearchMessagesCoreAsync(text, limit, skip, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<RunSummary> ListRunsAsync(CancellationToken cancellationToken = default) =>
        Guarded(ListRunsCoreAsync(null, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetUnfinishedConversationsAsync(string runId, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetUnfinishedConversationsCoreAsync(runId, token), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> ReopenFailedConversationsAsync(string runId, CancellationToken cancellationToken = default) =>
        OnceAsync(token => ReopenFailedConversationsCoreAsync(runId, token), cancellationToken);

    /// <inheritdoc />
    public Task<RunSummary?> GetRunSummaryAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return RetriedAsync(
            async token =>
            {
                await foreach (var run in ListRunsCoreAsync(runId, token))
                {
                    return run;
                }

                return (RunSummary?)null;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TranscriptMessage>> GetMessagesAsync(long conversationId, int afterIndex, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetMessagesCoreAsync(conversationId, afterIndex, token), cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAcquireLeaseAsync(long conversationId, ConversationLease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrWhiteSpace(lease.Owner, nameof(lease));
        return RetriedAsync(token => TryAcquireLeaseCoreAsync(conversationId, lease, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> RenewLeasesAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return RetriedAsync(token => RenewLeasesCoreAsync(owner, now, duration, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(long conversationId, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return RetriedAsync(token => ReleaseLeaseCoreAsync(conversationId, owner, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LeaseState>> GetUnfinishedLeasesAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return RetriedAsync(token => GetUnfinishedLeasesCoreAsync(runId, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunningLease>> GetRunningLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetRunningLeasesCoreAsync(now, token), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ClusterSilo>> GetClusterSilosAsync(CancellationToken cancellationToken = default) =>
        RetriedAsync(GetClusterSilosCoreAsync, cancellationToken);

    /// <inheritdoc />
    public Task WriteLiveAsync(IReadOnlyCollection<LiveText> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        // Not retried: live text is for watching, and the next tick writes it again.
        return updates.Count == 0 ? Task.CompletedTask : OnceAsync(token => WriteLiveCoreAsync(updates, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task WatchAsync(long conversationId, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        OnceAsync(token => WatchCoreAsync(conversationId, until, token), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyCollection<long>> GetWatchedAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        OnceAsync(token => GetWatchedCoreAsync(now, token), cancellationToken);

    /// <inheritdoc />
    public Task<LiveStatus?> GetLiveStatusAsync(long conversationId, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetLiveStatusCoreAsync(conversationId, token), cancellationToken);

    /// <inheritdoc />
    public Task<long?> FindByContentHashAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contentHash);
        return RetriedAsync(token => FindByContentHashCoreAsync(contentHash, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> FindByImportedFileAsync(string importedFile, long storedUpTo, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(importedFile);
        return RetriedAsync(token => FindByImportedFileCoreAsync(importedFile, storedUpTo, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> KeepImportedFilesAsync(IReadOnlyList<KeyValuePair<long, string>> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        return files.Count == 0 ? Task.FromResult(0) : RetriedAsync(token => KeepImportedFilesCoreAsync(files, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteConversationAsync(long conversationId, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => DeleteConversationCoreAsync(conversationId, token), cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return RetriedAsync(token => DeleteRunCoreAsync(runId, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveAnalysisAsync(long conversationId, AnalysisRecord analysis, CancellationToken cancellationToken = default)
    {
        ValidateAnalysis(analysis);
        return RetriedAsync(token => SaveAnalysisCoreAsync(conversationId, analysis, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetAnalysisJsonAsync(long conversationId, int version, CancellationToken cancellationToken = default) =>
        RetriedAsync(token => GetAnalysisJsonCoreAsync(conversationId, version, token), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetUnanalyzedAsync(ConversationQuery query, int version, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return RetriedAsync(token => GetUnanalyzedCoreAsync(query, version, now, limit, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredCorpus> AggregateAnalysesAsync(
        ConversationQuery query, int version, AnalysisOptions options, int vocabularySample, bool includeRows = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySample, 1);
        return RetriedAsync(token => AggregateAnalysesCoreAsync(query, version, options, vocabularySample, includeRows, token), cancellationToken);
    }
}
