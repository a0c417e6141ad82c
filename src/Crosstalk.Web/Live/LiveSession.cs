using System.Runtime.CompilerServices;
using System.Text.Json;
using Crosstalk.Conversations;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Web.Html;
using Crosstalk.Web.Pages;

namespace Crosstalk.Web.Live;

/// <summary>
/// A conversation running in the background for the live page. Each completed message is appended to the store
/// before it is announced, so what the browser shows is always already durable; every event is kept so a browser
/// that connects late (or reconnects) still sees the message in flight from its first token.
/// </summary>
internal sealed class LiveSession
{
    private readonly object _gate = new();
    private readonly List<LiveEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ITranscriptStore _store;
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;

    public LiveSession(long conversationId, Transcript header, ITranscriptStore store, TimeProvider time)
    {
        ConversationId = conversationId;
        Header = header;
        _store = store;
        _time = time;
        Messages = header.Messages.Count;
    }

    public long ConversationId { get; }

    public Transcript Header { get; }

    /// <summary>The stop reason once stopped; <see langword="null"/> while running.</summary>
    public StopInfo? Stop { get; private set; }

    public int Messages { get; private set; }

    public bool IsRunning => Stop is null;

    public Task Completion => _run;

    public void Start(ConversationRunner runner, Transcript? resumeFrom) => _run = Task.Run(() => RunAsync(runner, resumeFrom));

    /// <summary>Asks the runner to stop; it records the conversation as interrupted.</summary>
    public void RequestStop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>
    /// The events after <paramref name="afterSequence"/> that concern message <paramref name="fromIndex"/> or later,
    /// then new ones as they happen, until the conversation stops or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async IAsyncEnumerable<LiveEvent> ReadAsync(long afterSequence, int fromIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = (int)Math.Max(afterSequence, 0);
        while (true)
        {
            LiveEvent[] batch;
            Task changed;
            bool finished;
            lock (_gate)
            {
                batch = next < _events.Count ? _events.GetRange(next, _events.Count - next).ToArray() : [];
                next = _events.Count;
                changed = _changed.Task;
                finished = Stop is not null;
            }

            foreach (var item in batch)
            {
                if (item.Index == 0 || item.Index >= fromIndex)
                {
                    yield return item;
                }
            }

            if (finished)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(ConversationRunner runner, Transcript? resumeFrom)
    {
        StopInfo? stop = null;
        try
        {
            await foreach (var item in runner.RunAsync(resumeFrom, _stop.Token).ConfigureAwait(false))
            {
                switch (item)
                {
                    case MessageStarted started:
                        Publish(started.Index, "started", JsonSerializer.Serialize(
                            new StartedData(started.Index, started.Seat, started.Speaker, Formats.SeatClass(started.Seat)), LiveJsonContext.Default.StartedData));
                        break;
                    case TextDelta delta:
                        Publish(delta.Index, "delta", JsonSerializer.Serialize(new DeltaData(delta.Index, delta.Text), LiveJsonContext.Default.DeltaData));
                        break;
                    case MessageCompleted completed:
                        // Durable first, announced second: a stop or crash never shows a message the store lacks.
                        await _store.AppendMessageAsync(ConversationId, completed.Index, completed.Message, CancellationToken.None).ConfigureAwait(false);
                        Messages = completed.Index;
                        var html = new HtmlBuilder();
                        ConversationPage.WriteMessage(html, ConversationId, completed.Index, completed.Message, default);
                        Publish(completed.Index, "completed", JsonSerializer.Serialize(new CompletedData(completed.Index, html.ToString()), LiveJsonContext.Default.CompletedData));
                        break;
                    case ConversationStopped stopped:
                        stop = stopped.Stop;
                        break;
                }
            }
        }
#pragma warning disable CA1031 // A failed live conversation is reported on its page, never thrown into the server.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stop = _stop.IsCancellationRequested
                ? new StopInfo(StopReasons.Interrupted, Detail: "Stopped from the live page.")
                : new StopInfo(StopReasons.Error, Detail: ex.Message);
        }

        stop ??= new StopInfo(StopReasons.Error, Detail: "The conversation ended without a stop reason.");
        try
        {
            await _store.CompleteConversationAsync(ConversationId, stop, _time.GetLocalNow(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The page still shows why it stopped even if the store refused the end record.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stop = stop with { Detail = (stop.Detail is null ? string.Empty : stop.Detail + " ") + "(not recorded: " + ex.Message + ")" };
        }

        var json = JsonSerializer.Serialize(new StoppedData(stop.Reason, stop.Detail, ConversationId), LiveJsonContext.Default.StoppedData);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add(new LiveEvent(_events.Count + 1, 0, "stopped", json));
            Stop = stop;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        _stop.Dispose();
    }

    private void Publish(int index, string type, string json)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _events.Add(new LiveEvent(_events.Count + 1, index, type, json));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
