using System.Security.Cryptography;
using Crosstalk.Analysis;
using Crosstalk.Engine.Analysis;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Imports;

/// <summary>
/// Brings transcripts read elsewhere into the store, idempotently: each is identified by a hash of its content, and one
/// already stored (from this import or an earlier one) is not added again; nor is one read from a file an earlier import
/// read (<see cref="StoreMetadataKeys.ImportedFile"/>), should this version read it differently. The run is made with the first new
/// transcript, so an import that adds nothing leaves nothing behind. Each imported conversation's analysis is kept with it.
/// </summary>
public sealed class TranscriptImporter
{
    /// <summary>The most conversations <see cref="ImportAsync"/> stores in one transaction: one commit (and one full-text index update) for many small conversations.</summary>
    public const int BatchConversations = 64;

    /// <summary>The most messages <see cref="ImportAsync"/> stores in one transaction (a batch ends at the conversation that reaches it).</summary>
    public const int BatchMessages = 2000;

    /// <summary>How many transcripts <see cref="ImportAsync"/> reads between two progress reports.</summary>
    public const int ProgressEvery = 1000;

    private readonly ITranscriptStore _store;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _added = new(StringComparer.Ordinal);

    // The highest conversation id before this import added to it (null for a store that held nothing): only then can an
    // earlier version's hash be there, and only what was stored before was read by an earlier import.
    private readonly Lazy<Task<long?>> _storedBefore;

    // The files (by their bytes and name) of which conversations were found read differently.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _filesReadDifferently = new(StringComparer.Ordinal);

    public TranscriptImporter(ITranscriptStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
        _storedBefore = new(() => HighestIdAsync(store));
    }

    // One row (by the primary key) is enough to know.
    private static async Task<long?> HighestIdAsync(ITranscriptStore store)
    {
        await foreach (var last in store.ListConversationsAsync(new ConversationQuery { Descending = true, Limit = 1 }, CancellationToken.None).ConfigureAwait(false))
        {
            return last.Id;
        }

        return null;
    }

    /// <summary>The run the import made; null until it added something.</summary>
    public string? RunId { get; private set; }

    /// <summary>Conversations added.</summary>
    public int Imported { get; private set; }

    /// <summary>Transcripts that were already in the store (or twice in this import) and were not added again.</summary>
    public int AlreadyStored { get; private set; }

    /// <summary>
    /// Of <see cref="AlreadyStored"/>, those read from a file an earlier import read, which is read differently now (by a
    /// newer version, or with metadata beside it): what was stored is kept (to read them anew, delete what the earlier
    /// import stored and import again).
    /// </summary>
    public int ReadDifferently { get; private set; }

    /// <summary>How many files the <see cref="ReadDifferently"/> conversations came from.</summary>
    public int FilesReadDifferently => _filesReadDifferently.Count;

    /// <summary>
    /// A hash of what a transcript says: title, participants, messages and their details, stop, metadata — not where it
    /// was found (the import's path, a reader's <c>source</c>: a UniversalBackrooms log copied to another folder is the
    /// same conversation).
    /// </summary>
    public static string ContentHash(Transcript transcript) => HashOf(transcript);

    // Earlier versions hashed a UniversalBackrooms log's path too (its reader kept it as the "source"): what a store took
    // from such logs before is found by the hash with the path, so importing them again adds nothing.
    private static string HashOf(Transcript transcript, string? earlierSource = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var copy = new Transcript
        {
            Title = transcript.Title,
            Participants = transcript.Participants,
            Started = transcript.Started,
            Ended = transcript.Ended,
            Messages = transcript.Messages,
            Stop = transcript.Stop,
        };
        foreach (var (key, value) in transcript.Metadata)
        {
            // Where a file was imported from, and the hash itself, are not what it says.
            if (key is not TranscriptMetadataKeys.ImportedFrom and not StoreMetadataKeys.ContentHash and not StoreMetadataKeys.ImportedFile and not TranscriptMetadataKeys.Source)
            {
                copy.Metadata[key] = value;
            }
        }

        if (earlierSource is not null)
        {
            copy.Metadata[TranscriptMetadataKeys.Source] = earlierSource;
        }

        using var sha256 = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha256, CryptoStreamMode.Write))
        {
            TranscriptJson.WriteUtf8(copy, hashing);
        }

        return TranscriptSources.HashText(sha256.Hash!);
    }

    /// <summary>Adds <paramref name="transcript"/> unless the store already has it; returns its id, or null when it was already there.</summary>
    /// <param name="transcript">The transcript read.</param>
    /// <param name="importedFrom">Where it was read from, relative to what was imported.</param>
    /// <param name="runName">The run's name, should this be the first new transcript.</param>
    /// <param name="source">What was imported (a folder or file), kept with the run.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<long?> AddAsync(Transcript transcript, string importedFrom, string runName, string source, CancellationToken cancellationToken = default) =>
        (await AddAsync([await PrepareAsync(transcript, importedFrom, cancellationToken: cancellationToken).ConfigureAwait(false)], runName, source, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Imports transcripts as they are read: each is prepared (<see cref="PrepareAsync"/>) on every core while the store
    /// takes them in their order, a batch of up to <see cref="BatchConversations"/> conversations or
    /// <see cref="BatchMessages"/> messages to a transaction, and all that was read so far every
    /// <see cref="ProgressEvery"/> transcripts. An import interrupted keeps every batch stored before; running it again
    /// adds the rest.
    /// </summary>
    /// <param name="transcripts">The transcripts read, with where each was read from.</param>
    /// <param name="importedFrom">Where a transcript was read from as the conversation keeps it (relative to what was imported).</param>
    /// <param name="runName">The run's name, should there be a new transcript.</param>
    /// <param name="source">What was imported (a folder or file), kept with the run.</param>
    /// <param name="taken">Called with each transcript, in order, once it is prepared (to warn about what it says).</param>
    /// <param name="progress">Called with how many were read, every <see cref="ProgressEvery"/>, once they are stored.</param>
    /// <param name="cancellationToken">Cancels the import between batches.</param>
    public async Task ImportAsync(
        IAsyncEnumerable<(string File, Transcript Transcript)> transcripts,
        Func<string, string> importedFrom,
        string runName,
        string source,
        Action<Transcript>? taken = null,
        Action<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcripts);
        ArgumentNullException.ThrowIfNull(importedFrom);
        var prepared = transcripts.SelectAsync(
            (read, token) => PrepareAsync(read.Transcript, importedFrom(read.File), read.File, token), cancellationToken: cancellationToken);
        var batch = new List<PreparedTranscript>();
        var messages = 0;
        var read = 0;

        // One batch is written while the next is prepared: the store's writes are synchronous work of their own, and the
        // cores would otherwise wait for them. Batches are still written one after another, in order.
        Task? writing = null;
        try
        {
            await foreach (var ready in prepared.ConfigureAwait(false))
            {
                taken?.Invoke(ready.Transcript);
                batch.Add(ready);
                messages += ready.Stored ? 0 : ready.Transcript.Messages.Count;
                var report = ++read % ProgressEvery == 0;
                if (report || batch.Count == BatchConversations || messages >= BatchMessages)
                {
                    if (writing is not null)
                    {
                        await writing.ConfigureAwait(false);
                    }

                    var full = batch;
                    batch = [];
                    messages = 0;
                    writing = Task.Run(() => AddAsync(full, runName, source, cancellationToken), cancellationToken);
                }

                if (report)
                {
                    // Said once what was read is stored.
                    await writing!.ConfigureAwait(false);
                    writing = null;
                    progress?.Invoke(read);
                }
            }

            if (writing is not null)
            {
                await writing.ConfigureAwait(false);
                writing = null;
            }

            if (batch.Count > 0)
            {
                await AddAsync(batch, runName, source, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Stopped (Ctrl+C, a file that could not be read): the batch being written is let finish, so that the store is
            // not closed under it; the stop is what the caller hears of.
            if (writing is not null)
            {
                await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// What an import computes of a transcript before it stores it: its content hash, and its analysis as the store keeps
    /// it unless the store already has the transcript (importing a folder again costs a read of each file, not an
    /// analysis). Only reads the store, so a folder's transcripts are prepared on every core while they are stored in order.
    /// </summary>
    /// <param name="transcript">The transcript read; it is marked with <paramref name="importedFrom"/> and its hash.</param>
    /// <param name="importedFrom">Where it was read from, relative to what was imported.</param>
    /// <param name="file">The file as it was read (a UniversalBackrooms log's path was part of earlier versions' hash).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<PreparedTranscript> PrepareAsync(Transcript transcript, string importedFrom, string? file = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(importedFrom);
        var storedBefore = _storedBefore.Value; // read before this import's first write
        var hash = ContentHash(transcript);
        var earlierSource = transcript.Metadata.TryGetValue(TranscriptMetadataKeys.Source, out var own) ? own
            : UniversalBackroomsReader.IsReadFromALog(transcript) ? file
            : null;
        transcript.Metadata[TranscriptMetadataKeys.ImportedFrom] = importedFrom;
        transcript.Metadata[StoreMetadataKeys.ContentHash] = hash;
        var found = await _store.FindByContentHashAsync(hash, cancellationToken).ConfigureAwait(false);
        if (found is null && earlierSource is not null && await storedBefore.ConfigureAwait(false) is not null)
        {
            found = await _store.FindByContentHashAsync(HashOf(transcript, earlierSource), cancellationToken).ConfigureAwait(false);
        }

        if (found is not null)
        {
            return new PreparedTranscript(transcript, hash, Stored: true, Analysis: null, Found: found);
        }

        if (transcript.Metadata.TryGetValue(StoreMetadataKeys.ImportedFile, out var importedFile)
            && await storedBefore.ConfigureAwait(false) is { } upTo
            && await _store.FindByImportedFileAsync(importedFile, upTo, cancellationToken).ConfigureAwait(false) is not null)
        {
            // The same bytes, read differently now than by an earlier import (a newer reader, metadata beside them): kept
            // as they were stored, not added a second time. (What this import stored is not looked at: two copies of one
            // file that read differently, by their names or folders, are two conversations.)
            _filesReadDifferently.TryAdd(TranscriptSources.FileOf(importedFile), 0);
            return new PreparedTranscript(transcript, hash, Stored: true, Analysis: null, ReadDifferently: true);
        }

        // Without an analysis (the analyzer could not take it) the conversation is stored alone; a later catch-up tries again.
        return new PreparedTranscript(
            transcript, hash, Stored: false, StoredAnalyses.TryRecord(transcript, cancellationToken));
    }

    /// <summary>
    /// Adds the prepared transcripts the store does not have yet, in order and in one transaction (each with its analysis):
    /// an import interrupted keeps every batch stored before, and running it again adds the rest. Returns each one's id,
    /// or null where it was already there.
    /// </summary>
    /// <param name="batch">Transcripts prepared by <see cref="PrepareAsync"/>.</param>
    /// <param name="runName">The run's name, should this hold the first new transcript.</param>
    /// <param name="source">What was imported (a folder or file), kept with the run.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<IReadOnlyList<long?>> AddAsync(IReadOnlyList<PreparedTranscript> batch, string runName, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var ids = new long?[batch.Count];
        var added = new List<int>(batch.Count);

        // What an earlier version imported, found again by its content, learns the file it is read from (it kept none), so
        // that a later, different reading of the file is known.
        await _store.KeepImportedFilesAsync(
            [.. batch.Where(p => p.Found is not null && p.Transcript.Metadata.ContainsKey(StoreMetadataKeys.ImportedFile))
                .Select(p => KeyValuePair.Create(p.Found!.Value, p.Transcript.Metadata[StoreMetadataKeys.ImportedFile]))],
            cancellationToken).ConfigureAwait(false);

        for (var i = 0; i < batch.Count; i++)
        {
            // Found when prepared, or added earlier in this import (the same conversation twice): an import never
            // deletes, so a hash found once stays found.
            if (batch[i].Stored || !_added.Add(batch[i].Hash))
            {
                AlreadyStored++;
                ReadDifferently += batch[i].ReadDifferently ? 1 : 0;
            }
            else
            {
                added.Add(i);
            }
        }

        if (added.Count == 0)
        {
            return ids;
        }

        var madeRun = RunId is null;
        RunId ??= await _store.CreateRunAsync(
            new RunRecord
            {
                ExperimentName = runName,
                Started = _time.GetLocalNow(),
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = source },
            },
            cancellationToken).ConfigureAwait(false);
        IReadOnlyList<long> created;
        while (true)
        {
            try
            {
                created = await _store.CreateConversationsAsync(
                    RunId, [.. added.Select(i => new NewConversation(batch[i].Transcript, null, batch[i].Analysis))], cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing of the batch was stored. Another import of the same files into the same store may have added some
                // of them since they were prepared (the store keeps one conversation per content hash): those are already
                // stored, and the rest is tried again; otherwise the failure is the store's.
                var meanwhile = new List<int>();
                foreach (var i in added)
                {
                    if (await _store.FindByContentHashAsync(batch[i].Hash, cancellationToken).ConfigureAwait(false) is not null)
                    {
                        meanwhile.Add(i);
                    }
                }

                if (meanwhile.Count == 0)
                {
                    foreach (var i in added)
                    {
                        _added.Remove(batch[i].Hash);
                    }

                    await ForgetEmptyRunAsync(madeRun).ConfigureAwait(false);
                    throw;
                }

                AlreadyStored += meanwhile.Count;
                added.RemoveAll(meanwhile.Contains);
                if (added.Count == 0)
                {
                    await ForgetEmptyRunAsync(madeRun).ConfigureAwait(false);
                    return ids;
                }
            }
        }

        for (var k = 0; k < added.Count; k++)
        {
            ids[added[k]] = created[k];
        }

        Imported += added.Count;
        return ids;
    }

    // The run made for a batch of which nothing was stored holds nothing: it is not left behind as an empty run.
    private async Task ForgetEmptyRunAsync(bool madeRun)
    {
        if (madeRun && Imported == 0 && RunId is { } empty)
        {
            RunId = null;
            await ((Task)_store.DeleteRunAsync(empty, CancellationToken.None)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>A transcript with what an import computes before storing it.</summary>
/// <param name="Transcript">The transcript read, marked with where it was imported from and its hash.</param>
/// <param name="Hash">Its content hash (<see cref="TranscriptImporter.ContentHash"/>).</param>
/// <param name="Stored">Whether the store already had it when it was prepared.</param>
/// <param name="Analysis">Its analysis, as the store keeps it; null when the store already had the transcript, or when the
/// analyzer could not take it (the import goes on without one, and a later catch-up tries again).</param>
/// <param name="ReadDifferently">Whether it was found as read from a file an earlier import read, which this version reads
/// differently (<see cref="TranscriptImporter.ReadDifferently"/>).</param>
/// <param name="Found">The stored conversation it was found to be by its content, if it was.</param>
public sealed record PreparedTranscript(Transcript Transcript, string Hash, bool Stored, AnalysisRecord? Analysis, bool ReadDifferently = false, long? Found = null);
