namespace Crosstalk.Cli.Batch;

/// <summary>How a batch session ended.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Unfinished">Conversations left to resume (interrupted, skipped by the cost ceiling, or failed to store).</param>
/// <param name="Interrupted">True when the session was stopped by Ctrl+C.</param>
/// <param name="CostCeilingReached">True when the cost ceiling stopped new conversations from starting.</param>
/// <param name="Errors">One sentence per conversation that failed outside the conversation (the store); they stay resumable.</param>
internal sealed record BatchOutcome(string RunId, int Unfinished, bool Interrupted, bool CostCeilingReached, IReadOnlyList<string> Errors);
