using Crosstalk.Conversations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Some endpoints (Anthropic, Gemini) reject a message that is empty or only whitespace, which is exactly what a
/// conversation's blank opener is. This sends such a message as the entry's replacement text instead, leaving the
/// transcript untouched, and reports the replacement on the first update (<see cref="ChatUpdateKeys.BlankSentAs"/>).
/// </summary>
internal sealed class BlankMessageChatClient : DelegatingChatClient
{
    private readonly string _replacement;

    public BlankMessageChatClient(IChatClient innerClient, string replacement)
        : base(innerClient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replacement);
        _replacement = replacement;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (sent, replaced) = Replace(messages);
        var response = await base.GetResponseAsync(sent, options, cancellationToken);
        if (replaced)
        {
            (response.AdditionalProperties ??= [])[ChatUpdateKeys.BlankSentAs] = _replacement;
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (sent, replaced) = Replace(messages);
        await foreach (var update in base.GetStreamingResponseAsync(sent, options, cancellationToken).WithCancellation(cancellationToken))
        {
            if (replaced)
            {
                (update.AdditionalProperties ??= [])[ChatUpdateKeys.BlankSentAs] = _replacement;
                replaced = false;
            }

            yield return update;
        }
    }

    private (IEnumerable<ChatMessage> Messages, bool Replaced) Replace(IEnumerable<ChatMessage> messages)
    {
        if (messages is IReadOnlyList<ChatMessage> list && !AnyBlank(list))
        {
            // The usual case: nothing to replace, so no copy of the history.
            return (messages, false);
        }

        var replaced = false;
        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (IsBlank(message))
            {
                result.Add(new ChatMessage(message.Role, _replacement) { AuthorName = message.AuthorName, MessageId = message.MessageId });
                replaced = true;
            }
            else
            {
                result.Add(message);
            }
        }

        return (result, replaced);
    }

    private static bool AnyBlank(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (IsBlank(messages[i]))
            {
                return true;
            }
        }

        return false;
    }

    // The opener is a user message for one seat and the seat's own (assistant) message for the other; both are rejected.
    private static bool IsBlank(ChatMessage message)
    {
        if (message.Role != ChatRole.User && message.Role != ChatRole.Assistant)
        {
            return false;
        }

        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not TextContent { Text: var text } || !string.IsNullOrWhiteSpace(text))
            {
                return false;
            }
        }

        return true;
    }
}
