using Crosstalk.Engine.Budgets;

namespace Crosstalk.Engine.Execution;

/// <summary>How one execution of a conversation goes, beyond its plan.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The run's cost ceiling that every reply is held to; none by default.</summary>
    public IRunBudget? Budget { get; init; }

    /// <summary>Lease owners known to be gone (silos the cluster declared dead): their leases are free now.</summary>
    public IReadOnlyCollection<string>? DeadOwners { get; init; }
}
