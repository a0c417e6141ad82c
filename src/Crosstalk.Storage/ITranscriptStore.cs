using Crosstalk.Transcripts;

namespace Crosstalk.Storage;

/// <summary>
/// The durable, append-only home of runs, conversations and their messages. Every message is written in its
/// own transaction the moment it is complete, so a crash loses at most the message in flight; reads stream,
/// so a corpus never has to fit in memory. Open one with <see cref="TranscriptStore.OpenAsync(string?, CancellationToken)"/>.
/// </summary>
/// <remarks>Implementations are safe to call from many tasks at once.</remarks>
public interface ITranscriptStore : IAsyncDisposable
{
    /// <summary>What this store is, for messages to a user: "SQLite database /path/crosstalk.db" or "PostgreSQL database db on host:port".</summary>
    string Description { get; }

    /// <summary>Records the start of a run and returns its id (generated from <see cref="RunRecord.Started"/> when <see cref="RunRecord.Id"/> is empty).</summary>
    /// <exception cref="TranscriptStoreException">A run with the given id already exists.</exception>
    Task<string> CreateRunAsync(RunRecord run, CancellationToken cancellationToken = default);

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
}
