namespace Crosstalk.Engine.Plans;

/// <summary>A run as stored with it: the experiment's settings. Its conversations are stored with their own plans.</summary>
public sealed record RunPlan
{
    /// <summary>The experiment's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where the experiment came from (a file path), if anywhere.</summary>
    public string? Source { get; init; }

    /// <summary>Conversations running at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Stop starting conversations once the whole run has cost this many US dollars.</summary>
    public decimal? CostCeiling { get; init; }

    /// <summary>The folder the conversations' files are written to, if any.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>
    /// How many conversations the run has. Runs stored by earlier versions also list the conversations here (those are
    /// created on resume when the process died while creating them); runs stored now create all of them with the run.
    /// </summary>
    public IReadOnlyList<ConversationPlan>? Conversations { get; init; }
}
