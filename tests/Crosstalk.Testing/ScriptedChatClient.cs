using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Testing;

/// <summary>
/// A chat client that answers from a script (a list of replies or a callback), streaming word by word, and
/// records every request so tests can assert what each seat was shown.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Func<IReadOnlyList<ChatMessage>, int, ScriptedReply> _respond;
    private readonly List<IReadOnlyList<ChatMessage>> _calls = [];
    private readonly List<ChatOptions?> _options = [];

    /// <summary>Answers with <paramref name="replies"/> in order; a request beyond them fails the test loudly.</summary>
    public ScriptedChatClient(params IEnumerable<ScriptedReply> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        var list = replies.ToList();
        _respond = (_, call) => call < list.Count
            ? list[call]
            : throw new InvalidOperationException($"The script has {list.Count} replies but reply {call + 1} was requested.");
    }

    /// <summary>Answers with <paramref name="respond"/>(messages sent, 0-based call number).</summary>
    public ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, int, ScriptedReply> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        _respond = respond;
    }

    /// <summary>A copy of the messages sent with each request, in order.</summary>
    public IReadOnlyList<IReadOnlyList<ChatMessage>> Calls => _calls;

    /// <summary>The options sent with each request.</summary>
    public IReadOnlyList<ChatOptions?> Options => _options;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = messages.Select(m => m.Clone()).ToList();
        int call;
        lock (_calls)
        {
            call = _calls.Count;
            _calls.Add(sent);
            _options.Add(options);
        }

        var reply = _respond(sent, call);
        reply.OnStart?.Invoke();
        await Task.Yield();

        foreach (var extra in reply.Extra)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [extra]);
        }

        if (reply.Reasoning is { } reasoning)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent(reasoning)]);
        }

        if (reply.TextBeforeFailure is { } before)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, before);
        }

        if (reply.WaitForCancellation)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (reply.Throw is { } exception)
        {
            throw exception;
        }

        var first = true;
        foreach (var chunk in reply.Chunks ?? ScriptedReply.SplitWords(reply.Text))
        {
            if (!first)
            {
                reply.BetweenChunks?.Invoke();
            }

            first = false;
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk);
        }

        if (reply.Usage is { } usage)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]);
        }

        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = reply.FinishReason is { } f ? new ChatFinishReason(f) : null };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    public void Dispose()
    {
    }
}
