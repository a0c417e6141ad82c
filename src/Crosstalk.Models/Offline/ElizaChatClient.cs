using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// A stand-in model that needs no key or network: Joseph Weizenbaum's 1966 ELIZA running the DOCTOR
/// script (keywords with ranks, decomposition and reassembly rules, pronoun reflection, memory, NONE).
/// </summary>
/// <remarks>
/// ELIZA answers the last <see cref="ChatRole.User"/> message. Its state (where each rule is in its cycle
/// of reassemblies, what it remembers) is rebuilt from the earlier user messages on every call, so one
/// client can serve many conversations at once and a resumed conversation continues as it would have.
/// A farewell (bye, goodbye, quit) is answered with "Goodbye. Thank you for talking to me." and the end
/// token the system prompt names, or <c>[END]</c>.
/// </remarks>
public sealed class ElizaChatClient : IChatClient
{
    /// <summary>The model id ELIZA reports.</summary>
    public const string ModelId = "offline:eliza";

    private static readonly ChatClientMetadata Metadata = new("offline", null, ModelId);

    private readonly int _seed;

    /// <param name="seed">0 (the default) is Weizenbaum's ELIZA exactly; other seeds vary where each cycle of replies starts and which memory form is used.</param>
    public ElizaChatClient(int seed = 0)
    {
        _seed = seed;
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
        await foreach (var update in OfflineStreaming.StreamAsync(ModelId, reply, null, usage, ChatFinishReason.Stop, TokenDelay, TimeProvider, cancellationToken))
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        OfflineStreaming.GetService(this, Metadata, serviceType, serviceKey);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    internal string Reply(IReadOnlyList<ChatMessage> history, ChatOptions? options)
    {
        var script = ElizaScript.Doctor;
        var lastUser = -1;
        for (var i = history.Count - 1; i >= 0 && lastUser < 0; i--)
        {
            if (history[i].Role == ChatRole.User)
            {
                lastUser = i;
            }
        }

        if (lastUser < 0)
        {
            return script.Greeting;
        }

        var input = history[lastUser].Text;
        if (ElizaSession.IsGoodbye(input))
        {
            return "Goodbye. Thank you for talking to me. " + OfflineStreaming.FindEndToken(history, options);
        }

        var session = new ElizaSession(script, _seed);
        for (var i = 0; i < lastUser; i++)
        {
            if (history[i].Role == ChatRole.User && history[i].Text is var earlier && !ElizaSession.IsGoodbye(earlier))
            {
                session.Respond(earlier);
            }
        }

        return session.Respond(input);
    }
}
