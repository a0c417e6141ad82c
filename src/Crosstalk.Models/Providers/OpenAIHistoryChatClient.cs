using System.Runtime.CompilerServices;
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
/// <para>A kept conversion is used only while it still matches the message (the same role and the very same text); a
/// message whose text was replaced since is converted again. Messages with anything but one text part, or with an author
/// name, are left to Microsoft.Extensions.AI as they are.</para>
/// <para>A history is taken to grow at its end, as a conversation's views do: when the same list comes back with the
/// message it ended with last time still in its place, only the messages after it are checked. Walking the whole history
/// on every call touched every earlier message again, which cost more than the conversion it saved once calls are far
/// enough apart for those messages to have left the CPU's caches (BENCHMARKS.md, provider overhead). A list that shrank,
/// or whose last-seen message was replaced, is checked from the start; a message edited in place inside a list that is
/// passed again is not noticed (pass a new list).</para>
/// </remarks>
internal sealed class OpenAIHistoryChatClient : DelegatingChatClient
{
    // How far each history list has been checked; an entry lives as long as its list.
    private readonly ConditionalWeakTable<IReadOnlyList<Microsoft.Extensions.AI.ChatMessage>, Checked> _checked = [];

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

    private IEnumerable<Microsoft.Extensions.AI.ChatMessage> Prepare(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages)
    {
        if (messages is not IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> { Count: > 0 } list)
        {
            return messages;
        }

        var seen = _checked.GetOrCreateValue(list);
        var (count, last) = seen.Read();
        var start = count > 0 && count <= list.Count && ReferenceEquals(list[count - 1], last) ? count : 0;
        for (var i = start; i < list.Count; i++)
        {
            Keep(list[i]);
        }

        seen.Write(list.Count, list[^1]);
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

    // The number of messages checked and the last of them, read and written together.
    private sealed class Checked
    {
        private readonly Lock _gate = new();
        private int _count;
        private Microsoft.Extensions.AI.ChatMessage? _last;

        public (int Count, Microsoft.Extensions.AI.ChatMessage? Last) Read()
        {
            lock (_gate)
            {
                return (_count, _last);
            }
        }

        public void Write(int count, Microsoft.Extensions.AI.ChatMessage last)
        {
            lock (_gate)
            {
                (_count, _last) = (count, last);
            }
        }
    }
}
