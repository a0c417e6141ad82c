using System.Security.Cryptography;
using System.Text;
using Crosstalk.Analysis;
using Crosstalk.Engine.Analysis;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Imports;

/// <summary>
/// Brings transcripts read elsewhere into the store, idempotently: each is identified by a hash of its content, and one
/// already stored (from this import or an earlier one) is not added again. The run is made with the first new
/// transcript, so an import that adds nothing leaves nothing behind. Each imported conversation's analysis is kept with it.
/// </summary>
public sealed class TranscriptImporter
{
    private readonly ITranscriptStore _store;
    private readonly StoredAnalyses _analyses;
    private readonly TimeProvider _time;

    public TranscriptImporter(ITranscriptStore store, StoredAnalyses analyses, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(analyses);
        _store = store;
        _analyses = analyses;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The run the import made; null until it added something.</summary>
    public string? RunId { get; private set; }

    /// <summary>Conversations added.</summary>
    public int Imported { get; private set; }

    /// <summary>Transcripts that were already in the store (or twice in this import) and were not added again.</summary>
    public int AlreadyStored { get; private set; }

    /// <summary>A hash of what a transcript says: title, participants, messages and their details, stop, metadata.</summary>
    public static string ContentHash(Transcript transcript)
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
            if (key is not TranscriptMetadataKeys.ImportedFrom and not StoreMetadataKeys.ContentHash)
            {
                copy.Metadata[key] = value;
            }
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TranscriptJson.Write(copy))));
    }

    /// <summary>Adds <paramref name="transcript"/> unless the store already has it; returns its id, or null when it was already there.</summary>
    /// <param name="transcript">The transcript read.</param>
    /// <param name="importedFrom">Where it was read from, relative to what was imported.</param>
    /// <param name="runName">The run's name, should this be the first new transcript.</param>
    /// <param name="source">What was imported (a folder or file), kept with the run.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    public async Task<long?> AddAsync(Transcript transcript, string importedFrom, string runName, string source, CancellationToken cancellationToken = default) =>
        await AddAsync(await PrepareAsync(transcript, cancellationToken).ConfigureAwait(false), importedFrom, runName, source, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// What an import computes of a transcript before it stores it: its content hash, and its analysis unless the store
    /// already has it (importing a folder again costs a read of each file, not an analysis). Only reads the store, so a
    /// folder's transcripts are prepared on every core while they are stored one by one in order.
    /// </summary>
    public async Task<PreparedTranscript> PrepareAsync(Transcript transcript, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var hash = ContentHash(transcript);
        var stored = await _store.FindByContentHashAsync(hash, cancellationToken).ConfigureAwait(false) is not null;
        return new PreparedTranscript(transcript, hash, stored, stored ? null : StoredAnalyses.TryAnalyze(transcript, cancellationToken));
    }

    /// <summary>Adds a prepared transcript unless the store already has it; returns its id, or null when it was already there.</summary>
    public async Task<long?> AddAsync(PreparedTranscript prepared, string importedFrom, string runName, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var (transcript, hash, stored, analysis) = prepared;

        // Found when prepared, or since (the same conversation twice in one import): an import never deletes, so a
        // hash found once stays found.
        if (stored || await _store.FindByContentHashAsync(hash, cancellationToken) is not null)
        {
            AlreadyStored++;
            return null;
        }

        transcript.Metadata[TranscriptMetadataKeys.ImportedFrom] = importedFrom;
        transcript.Metadata[StoreMetadataKeys.ContentHash] = hash;
        RunId ??= await _store.CreateRunAsync(
            new RunRecord
            {
                ExperimentName = runName,
                Started = _time.GetLocalNow(),
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = source },
            },
            cancellationToken);
        var id = await _store.CreateConversationAsync(RunId, transcript, null, cancellationToken);
        if (analysis is not null)
        {
            // Without one (the analyzer could not take it when prepared) it is not tried a second time now; a later
            // catch-up does.
            await _analyses.TrySaveAsync(id, transcript, analysis, cancellationToken);
        }

        Imported++;
        return id;
    }
}

/// <summary>A transcript with what an import computes before storing it.</summary>
/// <param name="Transcript">The transcript read.</param>
/// <param name="Hash">Its content hash (<see cref="TranscriptImporter.ContentHash"/>).</param>
/// <param name="Stored">Whether the store already had it when it was prepared.</param>
/// <param name="Analysis">Its analysis, as the store keeps it; null when the store already had the transcript, or when the
/// analyzer could not take it (the import goes on without one, and a later catch-up tries again).</param>
public sealed record PreparedTranscript(Transcript Transcript, string Hash, bool Stored, TranscriptAnalysis? Analysis);
