namespace Crosstalk.Models.Catalog;

/// <summary>
/// Per-model (or per-provider) limits, shared by every conversation of the process that uses the same endpoint and model.
/// A null value means "no limit".
/// </summary>
/// <param name="MaxConcurrency">Requests in flight at once.</param>
/// <param name="RequestsPerMinute">Requests started per minute.</param>
/// <param name="TokensPerMinute">Tokens (estimated input plus requested output) per minute.</param>
public sealed record ModelLimits(int? MaxConcurrency = null, int? RequestsPerMinute = null, int? TokensPerMinute = null)
{
    /// <summary>No limits.</summary>
    public static ModelLimits None { get; } = new();

    /// <summary>These limits, with every unset value taken from <paramref name="fallback"/>.</summary>
    public ModelLimits Over(ModelLimits? fallback) => fallback is null
        ? this
        : new(MaxConcurrency ?? fallback.MaxConcurrency, RequestsPerMinute ?? fallback.RequestsPerMinute, TokensPerMinute ?? fallback.TokensPerMinute);
}
