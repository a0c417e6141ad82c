namespace Crosstalk.Cluster.Grains;

/// <summary>
/// One conversation, keyed by its id, running on the silo its run grain chose: runs it through the engine (lease first,
/// so it never runs twice) in the background and returns at once; when it is done the grain goes away.
/// </summary>
public interface IConversationGrain : IGrainWithIntegerKey
{
    /// <summary>Starts running the conversation unless it already runs here.</summary>
    Task StartAsync(ConversationAssignment assignment);

    /// <summary>Stops it; it is stored as interrupted, to be resumed.</summary>
    Task StopAsync();
}

/// <summary>What a conversation grain needs to know beyond the conversation's own plan.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ConversationAssignment
{
    /// <summary>The run.</summary>
    [Id(0)]
    public required string RunId { get; init; }

    /// <summary>Lease owners of silos declared dead: their leases are free.</summary>
    [Id(1)]
    public string[] DeadOwners { get; init; } = [];

    /// <summary>The run's cost ceiling, held by the run's budget grain; none when null.</summary>
    [Id(2)]
    public decimal? CostCeiling { get; init; }
}
