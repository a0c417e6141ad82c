using Crosstalk.Conversations;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Recording;

/// <summary>
/// The one writer of messages: turns one conversation's events into store writes. A completed message is appended (and
/// made durable) while the next reply is already being asked for — the next request needs only the text, not the disk —
/// with writes in order, one in flight, and the last one awaited before the stop is recorded. Writes are never cancelled:
/// a message that is complete is kept, Ctrl+C or not. Files the plan names are rewritten after every message, as the
/// original system did.
/// </summary>
internal sealed class ConversationRecorder
{
    private readonly ITranscriptStore _store;
    private readonly long _conversationId;
    private readonly ConversationPlan _plan;
    private readonly LiveTextWriter _live;
    private readonly TimeProvider _time;
    private readonly string? _markdownPath;
    private Task _pending = Task.CompletedTask;

    public ConversationRecorder(ITranscriptStore store, long conversationId, ConversationPlan plan, LiveTextWriter live, TimeProvider time)
    {
        _store = store;
        _conversationId = conversationId;
        _plan = plan;
        _live = live;
        _time = time;

        // A run planned before the planner refused one name on two seats with the second opening has a Markdown file that
        // cannot hold its seats: resumed, it goes on being recorded in the store and the JSON file, its Markdown left as it
        // was, and the user is told (MarkdownLeftAsItWas). Any other refusal of the writer is an error, as it always was.
        _markdownPath = plan.MarkdownPath;
        if (_markdownPath is not null && SeedMarkdown.TurnOrderProblem([.. plan.Seats.Select(s => s.Name)], plan.FirstSeat) is { } problem)
        {
            MarkdownLeftAsItWas = $"its Markdown file {_markdownPath} is left as it was, as it cannot hold these seats ({problem}); "
                + $"its messages are recorded in the store{(plan.JsonPath is null ? "" : " and in " + plan.JsonPath)}.";
            _markdownPath = null;
        }
    }

    /// <summary>Why the Markdown file the plan names is not written, when it cannot be; null when it is written (or none is named).</summary>
    public string? MarkdownLeftAsItWas { get; }

    /// <summary>Starts the message's write once the previous one is done; returns without waiting for it.</summary>
    /// <exception cref="TranscriptStoreException">The previous write failed.</exception>
    public async Task AppendAsync(MessageCompleted completed, Transcript transcript)
    {
        await _pending;
        _pending = _store.AppendMessageAsync(_conversationId, completed.Index, completed.Message, CancellationToken.None);
        SaveFiles(transcript);
    }

    /// <summary>Waits for the last write, then records the stop (and the files' last state).</summary>
    /// <exception cref="TranscriptStoreException">A write failed.</exception>
    public async Task StopAsync(ConversationStopped stopped)
    {
        await _pending;
        var ended = stopped.Transcript.Ended ?? _time.GetLocalNow();
        await _store.CompleteConversationAsync(_conversationId, stopped.Stop, ended, CancellationToken.None);
        _live.Remove(_conversationId);
        if (stopped.Stop.Reason == StopReasons.Interrupted)
        {
            // As the original system did: no end time until the conversation really ends.
            stopped.Transcript.Ended = null;
        }

        SaveFiles(stopped.Transcript);
    }

    /// <summary>Records a stop that came before any message could be asked for (a model that cannot be resolved).</summary>
    public async Task StopBeforeRunningAsync(StopInfo stop)
    {
        await _pending;
        await _store.CompleteConversationAsync(_conversationId, stop, _time.GetLocalNow(), CancellationToken.None);
        _live.Remove(_conversationId);
    }

    /// <summary>Waits for the last write.</summary>
    public Task DrainAsync() => _pending;

    /// <summary>Waits for the last write, whatever became of it (the caller is already reporting a failure).</summary>
    public async Task DrainQuietlyAsync()
    {
        try
        {
            await _pending;
        }
        catch (TranscriptStoreException)
        {
            // Reported by the caller.
        }
    }

    private void SaveFiles(Transcript transcript)
    {
        if (_markdownPath is { } markdown)
        {
            SeedMarkdown.WriteFile(transcript, markdown);
        }

        if (_plan.JsonPath is { } json)
        {
            if (_plan.JsonFormat == ConversationPlanner.CrosstalkJson)
            {
                TranscriptJson.WriteFile(transcript, json);
            }
            else if (transcript.Participants.Count == 2)
            {
                OriginalJson.WriteFile(transcript, json);
            }
        }
    }
}
