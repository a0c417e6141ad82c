using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Converts each plain-text history message to the OpenAI SDK's type once, with Microsoft.Extensions.AI's own conversion,
/// and keeps the result on the message's <see cref="Microsoft.Extensions.AI.ChatMessage.RawRepresentation"/>, which
/// Microsoft.Extensions.AI.OpenAI sends as it is (<see cref="HistoryKeepingChatClient"/>).
/// </summary>
/// <remarks>
/// A kept conversion is used only while it still matches the message (the same role and the very same text); a message
/// whose text was replaced since is converted again. Messages with anything but one text part, or with an author name, are
/// left to Microsoft.Extensions.AI as they are.
/// </remarks>
internal sealed class OpenAIHistoryChatClient : HistoryKeepingChatClient
{
    public OpenAIHistoryChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    protected override void Keep(Microsoft.Extensions.AI.ChatMessage message)
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
