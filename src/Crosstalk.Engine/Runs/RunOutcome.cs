namespace Crosstalk.Engine.Runs;

/// <summary>How a session of a run ended.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Unfinished">Conversations left to resume (-1 when the store could not be asked).</param>
/// <param name="Interrupted">True when the session was stopped by its cancellation token (Ctrl+C).</param>
/// <param name="CostCeilingReached">True when the cost ceiling stopped new conversations from starting.</param>
/// <param name="StoreError">One sentence when the store failed and the session stopped because of it; the run stays resumable.</param>
/// <param name="RanHere">Conversations this process ran to a stop.</param>
public sealed record RunOutcome(string RunId, int Unfinished, bool Interrupted, bool CostCeilingReached, string? StoreError, int RanHere);
