using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Crosstalk.Benchmarks.Providers;

/// <summary>
/// A layer that does nothing but hand each update on, as an async iterator: what one more streaming layer costs before
/// it does any work of its own (<c>layer-cost</c>, <c>provider-overhead --hops N</c>).
/// </summary>
internal sealed class PassThroughChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    /// <summary><paramref name="client"/> under <paramref name="layers"/> pass-through layers.</summary>
    public static IChatClient Wrap(IChatClient client, int layers) => layers == 0 ? client : Wrap(new PassThroughChatClient(client), layers - 1);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return update;
        }
    }
}
