using System.Text;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Conversations;

/// <summary>
/// Reads the streamed updates of one reply into a message: text and reasoning kept apart (<c>&lt;think&gt;</c> blocks
/// too), everything before a <see cref="ChatUpdateKeys.Restart"/> dropped, failed attempts, usage, cost and finish reason
/// collected, and the time to the first token and to the end measured. The conversation runner reads every reply with
/// it; so can anything else that calls a chat client.
/// </summary>
public sealed class ReplyReader
{
    private readonly TimeProvider _time;
    private readonly ThinkSplitter _splitter = new();
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<Attempt> _attempts = [];
    private string? _firstChunk;
    private long _requested;
    private TimeSpan? _firstToken;
    private string? _finishReason;
    private long _inputTokens, _outputTokens, _reasoningTokens;
    private bool _hasUsage, _hasReasoningTokens, _estimated;
    private decimal? _cost;

    /// <param name="timeProvider">The clock the timings are measured on.</param>
    public ReplyReader(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        Begin();
    }

    /// <summary>The reply's text so far (of the attempt under way).</summary>
    public string Content => _content.Length > 0 ? _content.ToString() : _firstChunk ?? string.Empty;

    /// <summary>The failed attempts so far, in order.</summary>
    public IReadOnlyList<Attempt> Attempts => _attempts;

    /// <summary>Starts reading a new message: the request was sent now.</summary>
    public void Begin()
    {
        BeginAttempt();
        _attempts.Clear();
        _requested = _time.GetTimestamp();
        _firstToken = null;
        _finishReason = null;
        _inputTokens = _outputTokens = _reasoningTokens = 0;
        _hasUsage = _hasReasoningTokens = _estimated = false;
        _cost = null;
    }

    /// <summary>Starts the message's text over, for a new request of the same message.</summary>
    public void BeginAttempt()
    {
        _splitter.Reset();
        _content.Clear();
        _reasoning.Clear();
        _firstChunk = null;
    }

    /// <summary>Adds a failed attempt that did not come as an update (an empty reply, asked for again).</summary>
    public void AddAttempt(Attempt attempt) => _attempts.Add(attempt);

    /// <summary>Reads one update, adding what it means for a watcher to <paramref name="events"/>.</summary>
    /// <param name="update">The update.</param>
    /// <param name="index">The message's 1-based index in the conversation.</param>
    /// <param name="seat">The seat speaking.</param>
    /// <param name="events">Receives <see cref="MessageRestarted"/>, <see cref="TextDelta"/>, <see cref="ReasoningDelta"/> and <see cref="AttemptFailed"/>.</param>
    public void Read(ChatResponseUpdate update, int index, int seat, List<ConversationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(events);
        if (update.AdditionalProperties?.ContainsKey(ChatUpdateKeys.Restart) == true)
        {
            // The resilience middleware is asking again for a reply that had already streamed part of itself.
            BeginAttempt();
            _firstToken = null;
            events.Add(new MessageRestarted(index, seat));
        }

        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text: { Length: > 0 } text }:
                    _splitter.Push(text, out var visible, out var thought);
                    _firstToken ??= _time.GetElapsedTime(_requested);
                    Add(thought, visible, index, seat, events);
                    break;

                case TextReasoningContent { Text: { Length: > 0 } reasoningText }:
                    _firstToken ??= _time.GetElapsedTime(_requested);
                    _reasoning.Append(reasoningText);
                    events.Add(new ReasoningDelta(index, seat, reasoningText));
                    break;

                case UsageContent usage:
                    _hasUsage = true;
                    _estimated |= usage.Details.AdditionalCounts?.TryGetValue(ChatUpdateKeys.Estimated, out var flag) == true && flag != 0;
                    _inputTokens += usage.Details.InputTokenCount ?? 0;
                    _outputTokens += usage.Details.OutputTokenCount ?? 0;
                    if (usage.Details.ReasoningTokenCount is { } r)
                    {
                        _hasReasoningTokens = true;
                        _reasoningTokens += r;
                    }

                    break;

                case AttemptContent failed:
                    _attempts.Add(failed.Attempt);
                    events.Add(new AttemptFailed(index, seat, failed.Attempt));
                    break;

                case CostContent price:
                    _cost = (_cost ?? 0m) + price.Usd;
                    break;
            }
        }

        if (update.FinishReason is { } finish)
        {
            _finishReason = finish.Value;
        }
    }

    /// <summary>The reply has ended: hands out what the <c>&lt;think&gt;</c> splitter still held.</summary>
    public void Complete(int index, int seat, List<ConversationEvent> events)
    {
        _splitter.Complete(out var heldVisible, out var heldThought);
        Add(heldThought, heldVisible, index, seat, events);
    }

    /// <summary>The message as a transcript records it, timed from <see cref="Begin"/> to now.</summary>
    public TranscriptMessage ToMessage(int seat, string speaker, string? sentAs = null) => new()
    {
        Seat = seat,
        Speaker = speaker,
        Content = Content,
        Timestamp = _time.GetLocalNow(),
        Usage = _hasUsage ? new TokenUsage(_inputTokens, _outputTokens, _hasReasoningTokens ? _reasoningTokens : null, _estimated) : null,
        Cost = _cost,
        Latency = _time.GetElapsedTime(_requested),
        TimeToFirstToken = _firstToken,
        FinishReason = _finishReason,
        Reasoning = _reasoning.Length > 0 ? _reasoning.ToString() : null,
        SentAs = sentAs,
        Attempts = _attempts.ToList(),
    };

    private void Add(string? thought, string? visible, int index, int seat, List<ConversationEvent> events)
    {
        if (thought is not null)
        {
            _reasoning.Append(thought);
            events.Add(new ReasoningDelta(index, seat, thought));
        }

        if (visible is not null)
        {
            AppendContent(visible);
            events.Add(new TextDelta(index, seat, visible));
        }
    }

    private void AppendContent(string chunk)
    {
        // A reply that arrives in one chunk is kept as that string, without copying.
        if (_firstChunk is null && _content.Length == 0)
        {
            _firstChunk = chunk;
            return;
        }

        if (_firstChunk is not null)
        {
            _content.Append(_firstChunk);
            _firstChunk = null;
        }

        _content.Append(chunk);
    }
}
