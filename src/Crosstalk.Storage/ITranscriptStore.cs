using Crosstalk.Analysis;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage;

/// <summary>
/// The durable, append-only home of runs, conversations and their messages. Every message is written in its
/// own transaction the moment it is complete, so a crash loses at most the message in flight; reads stream,
/// so a corpus never has to fit in memory. Open one with <see cref="TranscriptStore.OpenAsync(string?, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Implementations are safe to call from many tasks at once. Every failure of the database itself (a lost connection, a
/// full disk, a file it may not write) arrives as a <see cref="TranscriptStoreException"/> whose message is one sentence
/// and whose <see cref="TranscriptStoreException.IsTransient"/> says whether trying again may help; operations that are
/// idempotent (appends, completions, leases, reads) are already retried on transient errors.
/// </remarks>
public interface ITranscriptStore : IAsyncDisposable
{
    /// <summary>What this store is, for messages to a user: "SQLite database /path/crosstalk.db" or "PostgreSQL database db on host:port".</summary>
    string Description { get; }

    /// <summary>Records the start of a run and returns its id (generated from <see cref="RunRecord.Started"/> when <see cref="RunRecord.Id"/> is empty).</summary>
    /// <exception cref="TranscriptStoreException">A run with the given id already exists.</exception>
    Task<string> CreateRunAsync(RunRecord run, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a run together with all its conversations, in one transaction: a process that dies while creating a run
    /// leaves either all of it or nothing. Returns the run's id.
    /// </summary>
    /// <exception cref="TranscriptStoreException">A run with the given id already exists.</exception>
    Task<string> CreateRunAsync(RunRecord run, IReadOnlyList<NewConversation> conversations, CancellationToken cancellationToken = default);

    /// <summary>Creates several conversations in one transaction (as <see cref="CreateConversationAsync"/> does one); returns their ids in order.</summary>
    Task<IReadOnlyList<long>> CreateConversationsAsync(string? runId, IReadOnlyList<NewConversation> conversations, CancellationToken cancellationToken = default);

    /// <summary>Returns the run with this id, or <see langword="null"/>.</summary>
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a conversation from <paramref name="header"/> (title, participants, start, metadata) and returns its id.
    /// Messages, end time and stop information already on the header are stored too, in the same transaction, which is
    /// how whole transcripts are imported. A fork names its parent with <see cref="StoreMetadataKeys.ParentId"/> and
    /// <see cref="StoreMetadataKeys.ForkedAt"/> in the metadata.
    /// </summary>
    /// <param name="runId">The run the conversation belongs to; <see langword="null"/> for a conversation outside any run (an import).</param>
    /// <param name="header">The transcript so far.</param>
    /// <param name="specJson">The conversation's specification as JSON, kept for resuming; optional.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CreateConversationAsync(string? runId, Transcript header, string? specJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Durably appends message number <paramref name="index"/> (1-based), in its own transaction. Appending the same
    /// message again at an index already stored does nothing, so a resumed run may repeat its last write.
    /// </summary>
    /// <exception cref="TranscriptStoreException">
    /// The conversation does not exist, <paramref name="index"/> is not the next one (a gap), or a different message is
    /// already stored at <paramref name="index"/>.
    /// </exception>
    Task AppendMessageAsync(long conversationId, int index, TranscriptMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records why and when a conversation ended. Completing again with the same information does nothing; a conversation
    /// that stopped as <see cref="StopReasons.Interrupted"/> may be completed again after it was resumed.
    /// </summary>
    /// <exception cref="TranscriptStoreException">The conversation does not exist, or it already ended differently.</exception>
    Task CompleteConversationAsync(long conversationId, StopInfo stop, DateTimeOffset ended, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets one metadata entry of a conversation (for example an LLM judge's results), in its own transaction;
    /// the other entries are kept.
    /// </summary>
    /// <exception cref="TranscriptStoreException">The conversation does not exist.</exception>
    Task SetConversationMetadataAsync(long conversationId, string key, string value, CancellationToken cancellationToken = default);

    /// <summary>Reads one whole transcript (usage, timing, attempts, reasoning, cost and all), or <see langword="null"/>.</summary>
    Task<Transcript?> GetTranscriptAsync(long conversationId, CancellationToken cancellationToken = default);

    /// <summary>Returns the specification JSON stored with a conversation, if any.</summary>
    Task<string?> GetConversationSpecAsync(long conversationId, CancellationToken cancellationToken = default);

    /// <summary>Streams the conversations that match <paramref name="query"/>, ordered by id.</summary>
    IAsyncEnumerable<ConversationSummary> ListConversationsAsync(ConversationQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts the conversations that match <paramref name="query"/>, ignoring its offset and limit.</summary>
    Task<long> CountConversationsAsync(ConversationQuery query, CancellationToken cancellationToken = default);

    /// <summary>Streams whole transcripts that match <paramref name="query"/>, ordered by id, a few at a time.</summary>
    IAsyncEnumerable<Transcript> ReadTranscriptsAsync(ConversationQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Full-text search over message content: every word of <paramref name="text"/> must occur in a message (case ignored;
    /// accents too on SQLite), and a term with punctuation (such as <c>[END]</c> or <c>---</c>) must occur literally.
    /// Results come in conversation and message order; <paramref name="skip"/> of them are passed over first (paging).
    /// </summary>
    IAsyncEnumerable<MessageHit> SearchMessagesAsync(string text, int limit, int skip = 0, CancellationToken cancellationToken = default);

    /// <summary>Streams every run with its conversation and message counts, oldest first.</summary>
    IAsyncEnumerable<RunSummary> ListRunsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The ids of the run's conversations that a resume should continue: those never completed, and those that stopped
    /// as <see cref="StopReasons.Interrupted"/>; ordered by id.
    /// </summary>
    Task<IReadOnlyList<long>> GetUnfinishedConversationsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the run's conversations that stopped on an error (<see cref="StopReasons.Error"/>: a provider that kept
    /// failing, say) unfinished again, so that a resume continues each from its last stored message; returns their ids.
    /// Their messages are kept as they are. The one exception to "a stop is never rewritten": an error did not finish the
    /// conversation, it interrupted it.
    /// </summary>
    Task<IReadOnlyList<long>> ReopenFailedConversationsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The totals of one run, or <see langword="null"/> when there is no such run.</summary>
    Task<RunSummary?> GetRunSummaryAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Reads messages <paramref name="afterIndex"/> + 1 onwards of a conversation, in order (what a live viewer has not shown yet).</summary>
    Task<IReadOnlyList<TranscriptMessage>> GetMessagesAsync(long conversationId, int afterIndex, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lease of an unfinished conversation for <see cref="ConversationLease.Owner"/>: granted when nobody holds it,
    /// when the owner already does (a renewal), when the holder's lease expired before <see cref="ConversationLease.Now"/>,
    /// or when the holder is one of <see cref="ConversationLease.DeadOwners"/>. Atomic: of two owners asking at once, one wins.
    /// </summary>
    /// <returns>True when the owner holds the lease now; false when someone else does, or the conversation has finished.</returns>
    Task<bool> TryAcquireLeaseAsync(long conversationId, ConversationLease lease, CancellationToken cancellationToken = default);

    /// <summary>Extends every lease <paramref name="owner"/> holds to <paramref name="now"/> + <paramref name="duration"/>, in one write.</summary>
    /// <returns>The conversations the owner still holds; one it held before and that is missing was taken over.</returns>
    Task<IReadOnlyList<long>> RenewLeasesAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives a lease back (nothing happens when <paramref name="owner"/> does not hold it). Completing a conversation also does.</summary>
    Task ReleaseLeaseAsync(long conversationId, string owner, CancellationToken cancellationToken = default);

    /// <summary>The run's unfinished conversations (as <see cref="GetUnfinishedConversationsAsync"/>) with who holds each, ordered by id.</summary>
    Task<IReadOnlyList<LeaseState>> GetUnfinishedLeasesAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Every conversation running at <paramref name="now"/> (unfinished, with a lease that has not expired), with its run and owner, ordered by id.</summary>
    Task<IReadOnlyList<RunningLease>> GetRunningLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// The silos of a Crosstalk cluster on this store, newest first, as Orleans' membership table records them (dead ones
    /// included until Orleans cleans them up). None on SQLite, which a cluster does not use, or before a silo has started.
    /// </summary>
    Task<IReadOnlyList<ClusterSilo>> GetClusterSilosAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the in-flight text of running conversations, all in one transaction: each replaces its conversation's live row,
    /// one whose <see cref="LiveText.Text"/> is null removes it. Meant to be called a few times a second by one writer per
    /// process, for the conversations someone watches (<see cref="GetWatchedAsync"/>).
    /// </summary>
    Task WriteLiveAsync(IReadOnlyCollection<LiveText> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Says that someone watches <paramref name="conversationId"/> live until <paramref name="until"/>: its runner (in any
    /// process) writes its in-flight text while any watch holds. A viewer renews its watch every few seconds.
    /// </summary>
    Task WatchAsync(long conversationId, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>The conversations someone watches at <paramref name="now"/>.</summary>
    Task<IReadOnlyCollection<long>> GetWatchedAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>How a conversation stands right now, in one read; <see langword="null"/> when it does not exist.</summary>
    Task<LiveStatus?> GetLiveStatusAsync(long conversationId, CancellationToken cancellationToken = default);

    /// <summary>The conversation whose content hash (<see cref="StoreMetadataKeys.ContentHash"/>) is <paramref name="contentHash"/>, if one was stored.</summary>
    Task<long?> FindByContentHashAsync(string contentHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// The first conversation, of those with an id up to <paramref name="storedUpTo"/>, imported from the file and place
    /// <paramref name="importedFile"/> names (<see cref="StoreMetadataKeys.ImportedFile"/>), if one was stored.
    /// </summary>
    Task<long?> FindByImportedFileAsync(string importedFile, long storedUpTo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records, in one transaction, the file (<see cref="StoreMetadataKeys.ImportedFile"/>) of each given conversation that
    /// has none (one an earlier version imported, found again by its content), so that a later, different reading of the
    /// file is known; returns how many were recorded. A conversation that has a file keeps it.
    /// </summary>
    Task<int> KeepImportedFilesAsync(IReadOnlyList<KeyValuePair<long, string>> files, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a conversation with its messages and analysis. Forks of it keep their own copies of the messages they
    /// share and no longer name it as their parent.
    /// </summary>
    /// <returns>False when there was no such conversation.</returns>
    Task<bool> DeleteConversationAsync(long conversationId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a run and every conversation in it, in one transaction; returns how many conversations went, or -1 without such a run.</summary>
    Task<int> DeleteRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Keeps the analysis of a conversation (replacing an earlier one), tagged with the analyzer's version.</summary>
    Task SaveAnalysisAsync(long conversationId, AnalysisRecord analysis, CancellationToken cancellationToken = default);

    /// <summary>The stored analysis JSON of a conversation when it is current (this version, its present message count); else null.</summary>
    Task<string?> GetAnalysisJsonAsync(long conversationId, int version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Conversations matching <paramref name="query"/> with messages, not running at <paramref name="now"/> (no lease that has
    /// not expired), whose stored analysis is missing or stale for <paramref name="version"/>; at most <paramref name="limit"/>,
    /// oldest first.
    /// </summary>
    Task<IReadOnlyList<long>> GetUnanalyzedAsync(ConversationQuery query, int version, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The corpus tables over the stored, current analyses of the conversations matching <paramref name="query"/>, summed in
    /// SQL. Keywords and emoji come from the newest <paramref name="vocabularySample"/> seats of each model. With
    /// <paramref name="includeRows"/>, the tables carry one row per conversation too (for a report of one run; a whole store may hold millions).
    /// </summary>
    Task<StoredCorpus> AggregateAnalysesAsync(
        ConversationQuery query, int version, AnalysisOptions options, int vocabularySample, bool includeRows = false, CancellationToken cancellationToken = default);
}
