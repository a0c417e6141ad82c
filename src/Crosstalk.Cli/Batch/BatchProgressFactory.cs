namespace Crosstalk.Cli.Batch;

/// <summary>Shows <paramref name="progress"/> while <paramref name="work"/> runs, and returns when the work is done.</summary>
internal delegate Task BatchProgressFactory(BatchProgress progress, Func<Task> work);
