namespace Crosstalk.Engine.Runs;

/// <summary>How one session of a run goes; what is not set comes from the run's plan.</summary>
public sealed record RunOptions
{
    /// <summary>Conversations running at once in this process, in place of the plan's.</summary>
    public int? Concurrency { get; init; }

    /// <summary>The run's cost ceiling in US dollars (everything it has spent, earlier sessions and other processes included), in place of the plan's.</summary>
    public decimal? CostCeiling { get; init; }

    /// <summary>How often to look again while every conversation left is running in another process.</summary>
    public TimeSpan? WaitInterval { get; init; }

    /// <summary>Whether to wait for conversations that other processes run (and take over those whose owner dies) until the run is complete.</summary>
    public bool WaitForOthers { get; init; } = true;
}
