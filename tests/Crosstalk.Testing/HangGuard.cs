namespace Crosstalk.Testing;

/// <summary>
/// The bound a test puts on work that must not hang on hostile input (a reader, the analyzer): run on the thread pool
/// and given 30 s, far above what it takes; the work's timings themselves belong to the benchmarks.
/// </summary>
public static class HangGuard
{
    /// <summary>How long the work may take before the test fails.</summary>
    public static TimeSpan Limit { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The result of <paramref name="work"/>; a <see cref="TimeoutException"/> naming <paramref name="what"/> after <see cref="Limit"/>.</summary>
    public static T Run<T>(Func<T> work, string what) => Wait(Task.Run(work), what);

    /// <summary>As the other overload, for asynchronous work.</summary>
    public static T Run<T>(Func<Task<T>> work, string what) => Wait(Task.Run(work), what);

    private static T Wait<T>(Task<T> task, string what) =>
        task.Wait(Limit) ? task.Result : throw new TimeoutException($"{what} was still running after {Limit.TotalSeconds:0} s");
}
