using Crosstalk.Transcripts;

namespace Crosstalk.Engine.Execution;

/// <summary>What came of asking the engine to run a conversation.</summary>
public enum ExecutionOutcome
{
    /// <summary>It ran until it stopped, and its stop is stored (<see cref="ExecutionResult.Stop"/>).</summary>
    Stopped,

    /// <summary>It had already finished; nothing was run.</summary>
    AlreadyFinished,

    /// <summary>Another process holds its lease; nothing was run.</summary>
    HeldElsewhere,

    /// <summary>It was stored without a plan (an import), so it cannot be continued; fork it instead.</summary>
    NoPlan,

    /// <summary>There is no such conversation.</summary>
    NotFound,

    /// <summary>The store failed while it ran; it stays resumable (<see cref="ExecutionResult.Detail"/> says why).</summary>
    StoreFailed,

    /// <summary>Another process took its lease over while this one stalled; this one stopped without writing more.</summary>
    LeaseLost,
}

/// <summary>The outcome of one execution, with the transcript as far as this process saw it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Stop">The stored stop, for <see cref="ExecutionOutcome.Stopped"/> and <see cref="ExecutionOutcome.AlreadyFinished"/>.</param>
/// <param name="Transcript">The transcript, when one was read or run.</param>
/// <param name="Detail">One sentence for the outcomes that are not a stop.</param>
public sealed record ExecutionResult(ExecutionOutcome Outcome, StopInfo? Stop = null, Transcript? Transcript = null, string? Detail = null);
