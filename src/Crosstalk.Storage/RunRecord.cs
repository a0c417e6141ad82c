namespace Crosstalk.Storage;

/// <summary>One execution of an experiment, as stored.</summary>
public sealed record RunRecord
{
    /// <summary>The run id; leave empty to have one generated, like <c>r-20261123-041500-ab12</c>.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The name of the experiment this run executes.</summary>
    public required string ExperimentName { get; init; }

    /// <summary>When the run started.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>Free-form facts about the run (host, version, command line, …).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The experiment specification as JSON, kept so the run can be resumed; optional.</summary>
    public string? SpecJson { get; init; }
}
