namespace Crosstalk.Engine.Plans;

/// <summary>
/// A new conversation from the first messages of a stored one. It inherits the parent's plan (seats, seed, stop policy,
/// options); whatever is set here replaces the parent's.
/// </summary>
public sealed record ForkRequest
{
    /// <summary>How many of the parent's messages the fork keeps (0: none, a fresh start with the parent's plan).</summary>
    public required int At { get; init; }

    /// <summary>Other models for some seats, by 1-based seat; each inherits its seat's history.</summary>
    public IReadOnlyDictionary<int, string> Models { get; init; } = new Dictionary<int, string>();

    /// <summary>A whole stop policy in place of the parent's.</summary>
    public string? StopPolicy { get; init; }

    /// <summary>The end policy (<c>any</c>, <c>mutual</c>, <c>off</c>) in place of the parent's.</summary>
    public string? EndPolicy { get; init; }

    /// <summary>Guards (<c>goodbye-loop</c>, <c>repetition</c>) in place of the parent's.</summary>
    public IReadOnlyList<string>? Guards { get; init; }

    /// <summary>The message cap in place of the parent's.</summary>
    public int? MaxMessages { get; init; }

    /// <summary>Another opener; only for a fork that keeps no message (<see cref="At"/> 0).</summary>
    public string? Opener { get; init; }

    /// <summary>The offline agents' seed in place of the parent's.</summary>
    public int? Seed { get; init; }

    /// <summary>Whether a cost budget may stand over a model without a price (its cost is then not counted).</summary>
    public bool AllowUnpriced { get; init; }
}
