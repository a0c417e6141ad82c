using System.Runtime.CompilerServices;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Converts the text of each plain-text history message to the Anthropic SDK's content block once, and keeps it on the
/// text's <see cref="AIContent.RawRepresentation"/>, which the SDK's <see cref="IChatClient"/> sends as it is
/// (<see cref="HistoryKeepingChatClient"/>).
/// </summary>
/// <remarks>
/// <para>The SDK's models hold their fields as JSON: setting a block's text writes it out and parses it back, and the block
/// does the same once more when it is first written into the request. Kept, each history text pays this once instead of
/// on every later call of its conversation (BENCHMARKS.md, provider overhead).</para>
/// <para>The block is made exactly as the SDK makes it: an assistant's text without its trailing white space, a user's as
/// it is, and a blank text (which the SDK leaves out) is left to the SDK. A kept block is used only while it still matches
/// the text (the same role and the very same string); a text replaced since is converted again. Only user and assistant
/// messages with one text part and no additional properties (which may ask for cache control) are kept, and a kept text
/// that gains such properties or another role is handed back to the SDK; a raw representation this class did not make is
/// left alone.</para>
/// </remarks>
internal sealed class AnthropicHistoryChatClient : HistoryKeepingChatClient
{
    // The blocks this class made, by the text they were made from; shared by every client, as history messages may be.
    private static readonly ConditionalWeakTable<TextContent, Kept> s_kept = [];

    public AnthropicHistoryChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    protected override void Keep(ChatMessage message)
    {
        if (message.Contents is not [TextContent content])
        {
            return;
        }

        var text = content.Text;
        var keepable = content.AdditionalProperties is null && (message.Role == ChatRole.User || message.Role == ChatRole.Assistant);
        if (content.RawRepresentation is { } raw)
        {
            if (!s_kept.TryGetValue(content, out var kept) || !ReferenceEquals(raw, kept.Block))
            {
                // Somebody else's raw representation: not ours to replace.
                return;
            }

            if (keepable && kept.Role == message.Role && ReferenceEquals(kept.Text, text))
            {
                return;
            }

            // Stale, or no longer ours to make (cache control asked for since, another role): the SDK converts it again.
            content.RawRepresentation = null;
            s_kept.Remove(content);
        }

        if (!keepable)
        {
            return;
        }

        // As the SDK converts a text: an assistant's without trailing white space; a blank one is not sent at all.
        var sent = message.Role == ChatRole.Assistant ? text.TrimEnd() : text;
        if (string.IsNullOrWhiteSpace(sent))
        {
            return;
        }

        var block = new ContentBlockParam(new TextBlockParam { Text = sent });
        s_kept.AddOrUpdate(content, new Kept(message.Role, text, block));
        content.RawRepresentation = block;
    }

    private sealed record Kept(ChatRole Role, string Text, ContentBlockParam Block);
}
