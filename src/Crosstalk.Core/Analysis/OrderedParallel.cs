namespace Crosstalk.Analysis;

/// <summary>
/// Work on the items of a stream on every core while the stream goes on, the results handed out in the stream's order:
/// what a corpus is analysed with (each transcript's analysis is pure; the sums that follow are made in order).
/// </summary>
public static class OrderedParallel
{
    /// <summary>
    /// <paramref name="work"/> applied to every item of <paramref name="source"/> on the thread pool, results in the source's
    /// order. About twice <paramref name="degree"/> items are in flight and held at once (one slow item, whose result must
    /// come out first, does not stall the others).
    /// </summary>
    public static IAsyncEnumerable<TOut> SelectAsync<TIn, TOut>(
        this IAsyncEnumerable<TIn> source,
        Func<TIn, CancellationToken, TOut> work,
        int degree = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return source.SelectAsync((item, token) => Task.FromResult(work(item, token)), degree, cancellationToken);
    }

    /// <summary>As the other overload, for work that waits on something (a store) as well as computing.</summary>
    public static async IAsyncEnumerable<TOut> SelectAsync<TIn, TOut>(
        this IAsyncEnumerable<TIn> source,
        Func<TIn, CancellationToken, Task<TOut>> work,
        int degree = 0,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(work);
        degree = degree > 0 ? degree : Environment.ProcessorCount;
        var pending = new Queue<Task<TOut>>();
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                pending.Enqueue(Task.Run(() => work(item, cancellationToken), cancellationToken));
                if (pending.Count > degree * 2)
                {
                    yield return await pending.Dequeue().ConfigureAwait(false);
                }
            }

            while (pending.Count > 0)
            {
                yield return await pending.Dequeue().ConfigureAwait(false);
            }
        }
        finally
        {
            // Stopped early (an error, a cancel, a reader that left): the work started is let finish, never left running,
            // and what it failed with is observed, not thrown — nobody asked for its results.
            if (pending.Count > 0)
            {
                var rest = Task.WhenAll(pending);
                await Task.WhenAny(rest).ConfigureAwait(false);
                _ = rest.Exception;
            }
        }
    }
}
