using Crosstalk.Experiments;

namespace Crosstalk.Cli.Commands;

/// <summary>What <c>crosstalk run</c> was asked to do, after parsing.</summary>
internal sealed class RunSettings
{
    public required string ModelA { get; init; }

    public required string ModelB { get; init; }

    /// <summary>The opener the user asked for; null when not given (then a replay's recorded opener, else a single space).</summary>
    public string? Opener { get; init; }

    public string? System { get; init; }

    public string? SystemA { get; init; }

    public string? SystemB { get; init; }

    public int FirstSeat { get; init; } = 1;

    public int MaxMessages { get; init; } = 100;

    public string EndToken { get; init; } = "[END]";

    public string EndPolicy { get; init; } = "any";

    public string? StopOn { get; init; }

    public TimeSpan? TimeLimit { get; init; }

    public long? TokenBudget { get; init; }

    public decimal? CostBudget { get; init; }

    /// <summary>Run with a cost budget although a model has no price.</summary>
    public bool AllowUnpriced { get; init; }

    public int Seed { get; init; } = 1;

    public required string OutputDirectory { get; init; }

    public int? TokenDelay { get; init; }

    public bool Quiet { get; init; }

    public string? Db { get; init; }

    public string? ModelsFile { get; init; }

    /// <summary>OpenTelemetry export: null (off), <c>console</c> or <c>otlp</c>.</summary>
    public string? Telemetry { get; init; }

    /// <summary>Log the model layer to stderr (<c>-v</c>).</summary>
    public bool Verbose { get; init; }

    public bool UseStore { get; init; } = true;

    public StopSettings ToStopSettings() => new()
    {
        MaxMessages = MaxMessages,
        EndToken = EndToken,
        EndPolicy = EndPolicy,
        Guards = (StopOn ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        TimeLimit = TimeLimit,
        TokenBudget = TokenBudget,
        CostBudget = CostBudget,
    };
}
