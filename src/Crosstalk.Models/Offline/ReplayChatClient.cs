using System.Runtime.CompilerServices;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// A stand-in model that answers with one seat's recorded messages, in order, to re-run a real
/// conversation under another stop policy (or to test a pipeline without a provider).
/// </summary>
/// <remarks>
/// The client is stateless: the k-th reply is chosen by counting the assistant messages in the history it is
/// given, so a resumed conversation continues with the right message. When the transcript's first message
/// belongs to this seat and <see cref="OpenerIsFirstMessage"/> is true, that message is the opener (see
/// <see cref="Opener"/>) and replies start from the seat's second message; two replay clients on the same
/// transcript, started with that opener, reproduce the original exactly. Recorded reasoning and usage are
/// streamed as <see cref="TextReasoningContent"/> and <see cref="UsageContent"/>.
/// </remarks>
public sealed class ReplayChatClient : IChatClient
{
    private readonly Transcript _transcript;
    private readonly ChatClientMetadata _metadata;
    private readonly List<TranscriptMessage> _recorded;

    /// <param name="transcript">The recorded conversation.</param>
    /// <param name="seat">The 1-based seat whose messages to replay.</param>
    /// <param name="modelId">The id to report; defaults to <c>replay:{title}#{seat}</c>.</param>
    /// <exception cref="ArgumentException">No one sat on <paramref name="seat"/>.</exception>
    public ReplayChatClient(Transcript transcript, int seat, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentOutOfRangeException.ThrowIfLessThan(seat, 1);
        _transcript = transcript;
        Seat = seat;
        _recorded = [.. transcript.Messages.Where(m => m.Seat == seat)];
        var participant = transcript.Participants.FirstOrDefault(p => p.Seat == seat);
        if (participant is null && _recorded.Count == 0)
        {
            throw new ArgumentException($"The transcript '{transcript.Title}' has no seat {seat}.", nameof(seat));
        }

        ParticipantName = participant?.Name ?? _recorded[0].Speaker;
        _metadata = new ChatClientMetadata("replay", null, modelId ?? $"replay:{transcript.Title}#{seat}");
    }

    /// <summary>The seat being replayed.</summary>
    public int Seat { get; }

    /// <summary>The recorded participant's display name.</summary>
    public string ParticipantName { get; }

    /// <summary>
    /// Whether the transcript's first message, when it is this seat's, is the opener rather than a reply.
    /// Default true.
    /// </summary>
    public bool OpenerIsFirstMessage { get; init; } = true;

    /// <summary>
    /// The opener this seat spoke (the transcript's first message) when it is this seat's and
    /// <see cref="OpenerIsFirstMessage"/> is true; otherwise null.
    /// </summary>
    public string? Opener => SkipsOpener ? _transcript.Messages[0].Content : null;

    /// <summary>How many replies the recording holds for this seat (the opener not counted).</summary>
    public int RecordedReplies => _recorded.Count - (SkipsOpener ? 1 : 0);

    /// <summary>How long to wait before each streamed word; zero (the default) streams at once.</summary>
    public TimeSpan TokenDelay { get; init; }

    /// <summary>The clock <see cref="TokenDelay"/> waits on.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    private bool SkipsOpener => OpenerIsFirstMessage && _transcript.Messages.Count > 0 && _transcript.Messages[0].Seat == Seat;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The seat's recording has no more messages.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var message = Next(messages);
        var finishReason = message.FinishReason is { Length: > 0 } recorded ? new ChatFinishReason(recorded) : ChatFinishReason.Stop;
        await foreach (var update in OfflineStreaming.StreamAsync(
            _metadata.DefaultModelId!, message.Content, message.Reasoning, ToUsage(message.Usage), finishReason, TokenDelay, TimeProvider, cancellationToken))
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        OfflineStreaming.GetService(this, _metadata, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private TranscriptMessage Next(IEnumerable<ChatMessage> messages)
    {
        var replied = messages.Count(m => m.Role == ChatRole.Assistant);
        var index = replied + (SkipsOpener ? 1 : 0);
        if (index >= _recorded.Count)
        {
            throw new InvalidOperationException(
                $"The replay of seat {Seat} has no more recorded messages ({RecordedReplies} recorded).");
        }

        return _recorded[index];
    }

    private static UsageDetails? ToUsage(TokenUsage? usage) => usage is null
        ? null
        : new UsageDetails
        {
            InputTokenCount = usage.InputTokens,
            OutputTokenCount = usage.OutputTokens,
            ReasoningTokenCount = usage.ReasoningTokens,
            TotalTokenCount = usage.TotalTokens,
        };
}
