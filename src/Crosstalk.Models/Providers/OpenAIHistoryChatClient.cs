using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Microsoft.Extensions.AI.OpenAI converts every message of the history into the OpenAI SDK's type on every call, so a
/// conversation of n messages pays n conversions for each reply. It sends a message whose
/// <see cref="AIContent.RawRepresentation"/> already is an OpenAI message as it is; this converts each plain-text
/// message once, with Microsoft.Extensions.AI's own conversion, and keeps the result there.
/// </summary>
/// <remarks>
/// A kept conversion is used only while it still matches the message (the same role and the very same text); a message
/// whose text was replaced since is converted again. Messages with anything but one text part, or with an author name,
/// are left to Microsoft.Extensions.AI as they are.
/// </remarks>
internal sealed class OpenAIHistoryChatClient : DelegatingChatClient
{
    public OpenAIHistoryChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Prepare(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Prepare(messages), options, cancellationToken);

    private static IEnumerable<Microsoft.Extensions.AI.ChatMessage> Prepare(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages)
    {
        if (messages is IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                Keep(list[i]);
            }
        }

        return messages;
    }

    private static void Keep(Microsoft.Extensions.AI.ChatMessage message)
    {
        if (message.AuthorName is not null
            || message.Contents is not [TextContent { Text: var text, RawRepresentation: null, AdditionalProperties: null }]
            || Kind(message.Role) is not { } kind)
        {
            return;
        }

        if (message.RawRepresentation is OpenAI.Chat.ChatMessage kept)
        {
            if (Matches(kept, kind, text))
            {
                return;
            }
        }
        else if (message.RawRepresentation is not null)
        {
            // Somebody else's raw representation: not ours to replace.
            return;
        }

        // The conversion itself would hand back a kept (stale) representation as it is.
        message.RawRepresentation = null;
        message.RawRepresentation = new[] { message }.AsOpenAIChatMessages().Single();
    }

    private static bool Matches(OpenAI.Chat.ChatMessage kept, Type kind, string text) =>
        kept.GetType() == kind && kept.Content is [{ Kind: ChatMessageContentPartKind.Text } part] && ReferenceEquals(part.Text, text);

    private static Type? Kind(ChatRole role) =>
        role == ChatRole.User ? typeof(UserChatMessage)
        : role == ChatRole.Assistant ? typeof(AssistantChatMessage)
        : role == ChatRole.System ? typeof(SystemChatMessage)
        : null;
}
