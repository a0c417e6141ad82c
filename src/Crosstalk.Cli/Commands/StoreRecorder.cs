using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli.Commands;

/// <summary>
/// Records one conversation into the store as it happens: created with its first message, each message appended
/// durably the moment it completes, completed with its stop information. Writes are not cancelled by Ctrl+C:
/// what was complete is kept.
/// </summary>
internal sealed class StoreRecorder : IAsyncDisposable
{
    private readonly ITranscriptStore _store;
    private readonly string? _runId;
    private readonly TimeProvider _timeProvider;

    private StoreRecorder(ITranscriptStore store, string? runId, TimeProvider timeProvider)
    {
        _store = store;
        _runId = runId;
        _timeProvider = timeProvider;
    }

    public long? ConversationId { get; private set; }

    public string Description => _store.Description;

    public static async Task<StoreRecorder> OpenAsync(CliContext context, string? db, CancellationToken cancellationToken, string? runId = null) =>
        new(await StoreOptions.OpenAsync(context, db, cancellationToken).ConfigureAwait(false), runId, context.TimeProvider);

    public async Task AppendAsync(Transcript live, int index, TranscriptMessage message)
    {
        ConversationId ??= await _store.CreateConversationAsync(_runId, Header(live), specJson: null).ConfigureAwait(false);
        await _store.AppendMessageAsync(ConversationId.Value, index, message).ConfigureAwait(false);
    }

    public async Task CompleteAsync(Transcript transcript)
    {
        if (transcript.Stop is not { } stop)
        {
            return;
        }

        ConversationId ??= await _store.CreateConversationAsync(_runId, Header(transcript), specJson: null).ConfigureAwait(false);
        await _store.CompleteConversationAsync(ConversationId.Value, stop, transcript.Ended ?? _timeProvider.GetLocalNow()).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static Transcript Header(Transcript live)
    {
        var header = new Transcript
        {
            Title = live.Title,
            Participants = [.. live.Participants],
            Started = live.Started,
        };
        foreach (var (key, value) in live.Metadata)
        {
            header.Metadata[key] = value;
        }

        return header;
    }
}
