namespace Crosstalk.Experiments;

/// <summary>
/// The stop policy as a user writes it (flags of <c>crosstalk run</c>, the <c>stop:</c> section of an
/// experiment, the original system's <c>max_turns</c>/<c>end_codeword</c>), before it becomes stop conditions.
/// </summary>
public sealed record StopSettings
{
    /// <summary>Messages at most, the opener included. Default 100.</summary>
    public int MaxMessages { get; init; } = 100;

    /// <summary>The end token. Default <c>[END]</c>.</summary>
    public string EndToken { get; init; } = "[END]";

    /// <summary><c>any</c> (default), <c>mutual</c> or <c>off</c>.</summary>
    public string EndPolicy { get; init; } = "any";

    /// <summary>Extra guards: <c>goodbye-loop</c>, <c>repetition</c>.</summary>
    public IReadOnlyList<string> Guards { get; init; } = [];

    /// <summary>Wall-clock limit per conversation.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Tokens (in + out) per conversation.</summary>
    public long? TokenBudget { get; init; }

    /// <summary>US dollars per conversation.</summary>
    public decimal? CostBudget { get; init; }

    /// <summary>The known end policies.</summary>
    public static IReadOnlyList<string> EndPolicies { get; } = ["any", "mutual", "off"];

    /// <summary>The known guards.</summary>
    public static IReadOnlyList<string> KnownGuards { get; } = ["goodbye-loop", "repetition"];
}
