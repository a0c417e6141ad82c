using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crosstalk.Engine.Analysis;

/// <summary>
/// The deterministic analysis kept with each conversation: computed once when it stops (and on import), tagged with
/// <see cref="TranscriptAnalyzer.Version"/> and the message count it saw, and recomputed when either changes. The corpus
/// tables (<c>crosstalk analyze RUN</c>, the corpus page) are sums over what is kept here.
/// </summary>
public sealed partial class StoredAnalyses
{
    /// <summary>How many of each model's newest seats the keyword and emoji columns are taken from.</summary>
    public const int VocabularySample = 500;

    private readonly ITranscriptStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public StoredAnalyses(ITranscriptStore store, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Analyses <paramref name="transcript"/> (conversation <paramref name="conversationId"/>) and keeps the result.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="transcript">Its transcript.</param>
    /// <param name="analysis">Its analysis when already made (by <see cref="Analyze"/>, on another thread); else made now.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<TranscriptAnalysis> SaveAsync(long conversationId, Transcript transcript, TranscriptAnalysis? analysis = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var (made, facts) = analysis is null
            ? TranscriptAnalyzer.AnalyzeWithFacts(transcript, Options(transcript), cancellationToken)
            : (analysis, ConversationFacts.From(transcript, analysis));
        await _store.SaveAnalysisAsync(conversationId, ToRecord(transcript, made, facts), cancellationToken);
        return made;
    }

    /// <summary>The analysis of <paramref name="transcript"/> as the store keeps it (with its source, and as JSON).</summary>
    public static AnalysisRecord ToRecord(Transcript transcript, TranscriptAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(analysis);
        return ToRecord(transcript, analysis, ConversationFacts.From(transcript, analysis));
    }

    private static AnalysisRecord ToRecord(Transcript transcript, TranscriptAnalysis analysis, ConversationFacts facts)
    {
        facts = facts with { Source = ReportedSource(transcript) };

        return new AnalysisRecord(
            TranscriptAnalyzer.Version,
            transcript.Messages.Count,
            facts,
            JsonSerializer.Serialize(analysis, AnalysisJsonContext.Default.TranscriptAnalysis));
    }

    /// <summary>
    /// What tells two stored conversations of a pair apart in a report: the file it was imported from (relative to what was
    /// imported), else where it says it came from (a file's own <c>source</c>, "web"), else its key in the experiment.
    /// </summary>
    public static string? ReportedSource(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return Meta(TranscriptMetadataKeys.ImportedFrom) ?? ConversationFacts.SourceOf(transcript) ?? Meta(Plans.PlanMetadataKeys.Key);

        string? Meta(string key) => transcript.Metadata.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>
    /// Like <see cref="SaveAsync"/>, but never throws for a transcript the analyzer cannot take: the conversation stays
    /// without a stored analysis, and a later <see cref="CatchUpAsync"/> tries again.
    /// </summary>
    public async Task TrySaveAsync(long conversationId, Transcript transcript, TranscriptAnalysis? analysis = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await SaveAsync(conversationId, transcript, analysis, cancellationToken);
        }
        catch (Exception ex) when (ex is TranscriptStoreException || CannotAnalyze(ex))
        {
            LogNotAnalyzed(_logger, conversationId, ex.Message);
        }
    }

    /// <summary>The kept analysis of a conversation, when it is current; else it is computed now and kept.</summary>
    public async Task<TranscriptAnalysis?> GetAsync(long conversationId, CancellationToken cancellationToken = default)
    {
        if (await ReadKeptAsync(conversationId, cancellationToken) is { } kept)
        {
            return kept;
        }

        var transcript = await _store.GetTranscriptAsync(conversationId, cancellationToken);
        return transcript is null ? null : await SaveAsync(conversationId, transcript, cancellationToken: cancellationToken);
    }

    /// <summary>The kept analysis of a conversation already read, when it is current; else it is computed from it now and kept.</summary>
    public async Task<TranscriptAnalysis> GetAsync(long conversationId, Transcript transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        return await ReadKeptAsync(conversationId, cancellationToken) ?? await SaveAsync(conversationId, transcript, cancellationToken: cancellationToken);
    }

    private async Task<TranscriptAnalysis?> ReadKeptAsync(long conversationId, CancellationToken cancellationToken) =>
        await _store.GetAnalysisJsonAsync(conversationId, TranscriptAnalyzer.Version, cancellationToken) is { } json
            ? JsonSerializer.Deserialize(json, AnalysisJsonContext.Default.TranscriptAnalysis)
            : null;

    /// <summary>
    /// Analyses the conversations matching <paramref name="query"/> that have no current analysis (made by an earlier
    /// version, imported before analyses were kept, or stopped in a process that could not keep it), at most
    /// <paramref name="limit"/>; reports each one done. Returns how many were analysed.
    /// </summary>
    public async Task<int> CatchUpAsync(ConversationQuery query, int limit = int.MaxValue, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var done = 0;
        while (done < limit)
        {
            var ids = await _store.GetUnanalyzedAsync(query, TranscriptAnalyzer.Version, _time.GetUtcNow(), Math.Min(256, limit - done), cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            var before = done;
            foreach (var id in ids)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await _store.GetTranscriptAsync(id, cancellationToken) is { } transcript)
                {
                    await SaveAsync(id, transcript, cancellationToken: cancellationToken);
                    done++;
                    progress?.Invoke(done);
                }
            }

            if (done == before)
            {
                break;
            }
        }

        return done;
    }

    /// <summary>The corpus tables over the kept analyses of the conversations matching <paramref name="query"/>.</summary>
    public Task<StoredCorpus> AggregateAsync(ConversationQuery query, AnalysisOptions? options = null, bool includeRows = false, CancellationToken cancellationToken = default) =>
        _store.AggregateAnalysesAsync(query, TranscriptAnalyzer.Version, options ?? new AnalysisOptions(), VocabularySample, includeRows, cancellationToken);

    /// <summary>The analysis <see cref="SaveAsync"/> keeps (with the end token the conversation ran with); pure, any thread.</summary>
    public static TranscriptAnalysis Analyze(Transcript transcript, CancellationToken cancellationToken = default) =>
        TranscriptAnalyzer.Analyze(transcript, Options(transcript), cancellationToken);

    /// <summary>
    /// The record <see cref="SaveAsync"/> keeps, made in one pass (pure, any thread), or null for a transcript the analyzer
    /// cannot take (what <see cref="TrySaveAsync"/> forgives), so that work done ahead of storing forgives it too.
    /// </summary>
    public static AnalysisRecord? TryRecord(Transcript transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        try
        {
            var (analysis, facts) = TranscriptAnalyzer.AnalyzeWithFacts(transcript, Options(transcript), cancellationToken);
            return ToRecord(transcript, analysis, facts);
        }
        catch (Exception ex) when (CannotAnalyze(ex))
        {
            return null;
        }
    }

    // What a transcript the analyzer cannot take throws (a pattern that ran out of time included), forgiven alike by
    // TryRecord and TrySaveAsync.
    private static bool CannotAnalyze(Exception ex) => ex is ArgumentException or InvalidOperationException or TimeoutException;

    // The end token a conversation was run with is the one its analysis looks for.
    private static AnalysisOptions Options(Transcript transcript) =>
        transcript.Metadata.TryGetValue(AnalysisMetadataKeys.EndToken, out var token) && !string.IsNullOrWhiteSpace(token)
            ? new AnalysisOptions { EndToken = token }
            : new AnalysisOptions();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} was not analysed: {Reason}")]
    private static partial void LogNotAnalyzed(ILogger logger, long conversationId, string reason);
}
