namespace Crosstalk.Cluster.Grains;

/// <summary>
/// One run in the cluster, keyed by run id: hands its unfinished conversations to conversation grains on the silos with
/// room, keeps doing so until the run is complete (a reminder brings it back on another silo if its own dies), and
/// frees the conversations of silos the cluster declared dead. Its calls return at once; progress is in the store.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Starts the run, or goes on with it (idempotent); <paramref name="settings"/> replace those of an earlier start.</summary>
    Task<ClusterRunStatus> StartAsync(ClusterRunSettings settings);

    /// <summary>Stops handing out conversations and asks the running ones to stop, stored as interrupted (resumable).</summary>
    Task<ClusterRunStatus> StopAsync();

    /// <summary>How the run stands, as of the grain's last look at the store.</summary>
    Task<ClusterRunStatus> GetStatusAsync();

    /// <summary>Wakes the grain (a conversation of the run ended): if its silo died, this brings it back at once.</summary>
    [OneWay]
    Task PokeAsync();
}

/// <summary>How the cluster runs a run.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ClusterRunSettings
{
    /// <summary>Conversations at once on each silo; the run's own <c>concurrency</c> when null.</summary>
    [Id(0)]
    public int? ConcurrencyPerSilo { get; init; }

    /// <summary>The run's cost ceiling in US dollars, for every silo together; the run's own when null.</summary>
    [Id(1)]
    public decimal? CostCeiling { get; init; }
}

/// <summary>How a run stands in the cluster.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ClusterRunStatus
{
    /// <summary><c>running</c>, <c>stopping</c>, <c>stopped</c>, <c>complete</c>, <c>cost ceiling</c>, or <c>idle</c> (never started).</summary>
    [Id(0)]
    public string State { get; init; } = ClusterRunStates.Idle;

    /// <summary>Conversations left (never completed, or interrupted).</summary>
    [Id(1)]
    public int Unfinished { get; init; }

    /// <summary>Conversations running now, on any silo.</summary>
    [Id(2)]
    public int Running { get; init; }

    /// <summary>Silos the run can use now.</summary>
    [Id(3)]
    public int Silos { get; init; }

    /// <summary>Conversations at once on each silo.</summary>
    [Id(4)]
    public int ConcurrencyPerSilo { get; init; }

    /// <summary>What went wrong at the last look (the store was away), if anything.</summary>
    [Id(5)]
    public string? Problem { get; init; }

    /// <summary>Whether the run ended, one way or another: nothing of it runs and nothing more will start.</summary>
    public bool Ended => State is ClusterRunStates.Complete or ClusterRunStates.Stopped or ClusterRunStates.CostCeiling;
}

/// <summary>The states of <see cref="ClusterRunStatus.State"/>.</summary>
public static class ClusterRunStates
{
    public const string Idle = "idle";
    public const string Running = "running";
    public const string Stopping = "stopping";
    public const string Stopped = "stopped";
    public const string Complete = "complete";
    public const string CostCeiling = "cost ceiling";
}
