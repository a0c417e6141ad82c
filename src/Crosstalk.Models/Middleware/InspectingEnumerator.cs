using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// The enumerator of a streaming layer that only looks at (or amends) each update. It hands the inner stream's moves on
/// as they are: <see cref="MoveNextAsync"/> returns the inner <see cref="ValueTask{TResult}"/> itself, so the layer adds
/// no state machine and no continuation per chunk (an async iterator would add both; BENCHMARKS.md, provider overhead).
/// Each update is looked at once, when the caller reads it (<see cref="Current"/>), or at the next move if the caller
/// never read it.
/// </summary>
internal abstract class InspectingEnumerator(IAsyncEnumerator<ChatResponseUpdate> inner) : IAsyncEnumerator<ChatResponseUpdate>
{
    private bool _unread;

    public virtual ChatResponseUpdate Current
    {
        get
        {
            InspectUnread();
            return inner.Current;
        }
    }

    /// <summary>The stream this layer reads.</summary>
    protected IAsyncEnumerator<ChatResponseUpdate> Inner => inner;

    public virtual ValueTask<bool> MoveNextAsync()
    {
        InspectUnread();
        _unread = true;
        return inner.MoveNextAsync();
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Looks at one update of the inner stream, once, before the caller sees it.</summary>
    protected abstract void Inspect(ChatResponseUpdate update);

    /// <summary>For a move the layer awaited itself: the update it brought is to be looked at when read.</summary>
    protected void MarkUnread() => _unread = true;

    /// <summary>Looks at the update of the last move if that has not happened yet.</summary>
    protected void InspectUnread()
    {
        if (!_unread)
        {
            return;
        }

        _unread = false;

        // Null after the inner stream's end, when the last move brought no update.
        if (inner.Current is { } update)
        {
            Inspect(update);
        }
    }
}
