namespace Crosstalk.Cli.Batch;

/// <summary>How a batch session shows itself.</summary>
internal sealed record BatchSessionOptions
{
    /// <summary>Overrides the run's concurrency.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Overrides the run's cost ceiling (US dollars spent by the whole run, earlier sessions included).</summary>
    public decimal? CostCeiling { get; init; }

    /// <summary>No progress at all, only the result.</summary>
    public bool Quiet { get; init; }

    /// <summary>How often a plain progress line is printed when the console is not interactive.</summary>
    public TimeSpan LineInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether to print the per-pair table at the end.</summary>
    public bool Summary { get; init; } = true;
}
