using System.Runtime.CompilerServices;
using Crosstalk.Engine.Imports;
using Crosstalk.Engine.Analysis;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// What <c>analyze</c> and <c>judge</c> read: a transcript file, a folder of them, a run in the store, or
/// <c>store</c> for everything in it — streamed one transcript at a time.
/// </summary>
internal static class TranscriptTargets
{
    public const string Description = "A transcript file, a folder of transcripts (any format, UniversalBackrooms logs too), a run id from the store, or 'store' for everything in it.";

    public static async IAsyncEnumerable<Transcript> ReadAsync(CliContext context, string target, string? db, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (transcript, _) in ReadWithIdsAsync(context, target, db, withIds: false, cancellationToken).ConfigureAwait(false))
        {
            yield return transcript;
        }
    }

    /// <summary>
    /// Like <see cref="ReadAsync"/>, with each stored conversation's id when <paramref name="withIds"/> is set
    /// (files have none), so results can be written back to the store; each transcript's metadata says where it came from
    /// (its file, or the import or batch it was stored by), for reports.
    /// </summary>
    public static async IAsyncEnumerable<(Transcript Transcript, long? ConversationId)> ReadWithIdsAsync(
        CliContext context, string target, string? db, bool withIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = context.ResolvePath(target);
        if (File.Exists(path) || Directory.Exists(path))
        {
            var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(path)!;
            await foreach (var (file, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(path), skipped => context.Say("skipped", skipped), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                context.WarnAbout(transcript);

                // What tells two conversations of the same pair apart in a report: the file each came from, named the same
                // way for every format (relative to the folder read; a file's own "source" is where it came from before).
                transcript.Metadata[TranscriptMetadataKeys.Source] = Path.GetRelativePath(folder, file);

                yield return (transcript, null);
            }

            yield break;
        }

        await using var store = await StoreOptions.OpenAsync(context, db, cancellationToken).ConfigureAwait(false);
        var query = ConversationQuery.All;
        if (!string.Equals(target, "store", StringComparison.OrdinalIgnoreCase))
        {
            if (await store.GetRunAsync(target, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UserException($"{target} is neither a file, a folder, nor a run in {store.Description} (see 'crosstalk list').");
            }

            query = new ConversationQuery { RunId = target };
        }

        if (!withIds)
        {
            await foreach (var transcript in store.ReadTranscriptsAsync(query, cancellationToken).ConfigureAwait(false))
            {
                if (StoredAnalyses.ReportedSource(transcript) is { } source)
                {
                    // An imported file's name, or the batch's key for the conversation (pair, order, opener, repetition).
                    transcript.Metadata[TranscriptMetadataKeys.Source] = source;
                }

                yield return (transcript, null);
            }

            yield break;
        }

        var ids = new List<long>();
        await foreach (var summary in store.ListConversationsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(summary.Id);
        }

        foreach (var id in ids)
        {
            if (await store.GetTranscriptAsync(id, cancellationToken).ConfigureAwait(false) is { } transcript)
            {
                yield return (transcript, id);
            }
        }
    }
}
