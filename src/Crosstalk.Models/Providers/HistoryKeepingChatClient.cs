using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Providers;

/// <summary>
/// The Microsoft.Extensions.AI adapters convert every message of the history into their SDK's type on every call, so a
/// conversation of n messages pays n conversions for each reply. Both adapters send what already is the SDK's type as it
/// is: a message whose <see cref="ChatMessage.RawRepresentation"/> is one (OpenAI), a content whose
/// <see cref="AIContent.RawRepresentation"/> is one (Anthropic). A subclass converts each plain-text message once and keeps
/// the result there (<see cref="Keep"/>).
/// </summary>
/// <remarks>
/// A history is taken to grow at its end, as a conversation's views do: when the same list comes back with the message
/// it ended with last time still in its place, only the messages after it are checked. Walking the whole history on every
/// call touched every earlier message again, which cost more than the conversion it saved once calls are far enough apart
/// for those messages to have left the CPU's caches (BENCHMARKS.md, provider overhead). A list that shrank, or whose
/// last-seen message was replaced, is checked from the start; a message edited in place inside a list that is passed
/// again is not noticed (pass a new list).
/// </remarks>
internal abstract class HistoryKeepingChatClient : DelegatingChatClient
{
    // How far each history list has been checked; an entry lives as long as its list.
    private readonly ConditionalWeakTable<IReadOnlyList<ChatMessage>, Checked> _checked = [];

    protected HistoryKeepingChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(Prepare(messages), options, cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(Prepare(messages), options, cancellationToken);

    /// <summary>
    /// Makes sure <paramref name="message"/> carries its current conversion, if it is one this client keeps: converts it
    /// when it has none or a stale one of its own, and leaves anybody else's raw representation alone.
    /// </summary>
    protected abstract void Keep(ChatMessage message);

    private IEnumerable<ChatMessage> Prepare(IEnumerable<ChatMessage> messages)
    {
        if (messages is not IReadOnlyList<ChatMessage> { Count: > 0 } list)
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

    // The number of messages checked and the last of them, read and written together.
    private sealed class Checked
    {
        private readonly Lock _gate = new();
        private int _count;
        private ChatMessage? _last;

        public (int Count, ChatMessage? Last) Read()
        {
            lock (_gate)
            {
                return (_count, _last);
            }
        }

        public void Write(int count, ChatMessage last)
        {
            lock (_gate)
            {
                (_count, _last) = (count, last);
            }
        }
    }
}
