using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// An offline agent that computes its whole reply from the history it is given and streams it word by word,
/// optionally at a typing pace, with estimated usage. Subclasses only say what to reply.
/// </summary>
public abstract class OfflineChatClient : IChatClient
{
    private readonly ChatClientMetadata _metadata;

    /// <param name="modelId">The id the agent reports, e.g. <c>offline:eliza</c>.</param>
    protected OfflineChatClient(string modelId)
    {
        _metadata = new ChatClientMetadata("offline", null, modelId);
    }

    /// <summary>How long to wait before each streamed word; zero (the default) streams at once.</summary>
    public TimeSpan TokenDelay { get; init; }

    /// <summary>The clock <see cref="TokenDelay"/> waits on.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var reply = Reply(history, options);
        var usage = OfflineStreaming.EstimateUsage(history, reply);
        await foreach (var update in OfflineStreaming.StreamAsync(_metadata.DefaultModelId!, reply, null, usage, ChatFinishReason.Stop, TokenDelay, TimeProvider, cancellationToken))
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
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The whole reply to the last message of <paramref name="history"/>; the same history gives the same reply.</summary>
    internal abstract string Reply(IReadOnlyList<ChatMessage> history, ChatOptions? options);

    /// <summary>Releases what the agent holds; offline agents hold nothing by default.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
