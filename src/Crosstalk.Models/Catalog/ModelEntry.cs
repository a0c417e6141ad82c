namespace Crosstalk.Models.Catalog;

/// <summary>A model as Crosstalk calls it: where it lives, how it is paid for and what limits it has.</summary>
public sealed class ModelEntry
{
    /// <summary>The catalog name (or the reference it was resolved from, for ad-hoc models).</summary>
    public required string Name { get; init; }

    /// <summary>What transcripts show for it, e.g. "Kimi K2" or "4o".</summary>
    public required string DisplayName { get; init; }

    /// <summary>The provider's name (<c>openai</c>, <c>openrouter</c>, …).</summary>
    public required string Provider { get; init; }

    /// <summary>The wire protocol.</summary>
    public required ModelApi Api { get; init; }

    /// <summary>The model id sent to the endpoint.</summary>
    public required string ModelId { get; init; }

    /// <summary>The base URL; null only for <see cref="ModelApi.External"/> models.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The endpoint as Crosstalk shows it: without a query string (which may hold a key) or a fragment.</summary>
    public string? EndpointForDisplay => Endpoint?.GetLeftPart(UriPartial.Path);

    /// <summary>The environment variable that holds the key; null when the endpoint needs none.</summary>
    public string? KeyVariable { get; init; }

    /// <summary>Context window in tokens, when known.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>US dollars per million input tokens.</summary>
    public decimal? InputPricePerMillion { get; init; }

    /// <summary>US dollars per million output tokens.</summary>
    public decimal? OutputPricePerMillion { get; init; }

    /// <summary>Default sampling options.</summary>
    public ModelSampling Sampling { get; init; } = ModelSampling.None;

    /// <summary>Concurrency and rate limits.</summary>
    public ModelLimits Limits { get; init; } = ModelLimits.None;

    /// <summary>Retries and timeouts (<c>resilience:</c>); unset values take the process defaults.</summary>
    public ModelResilience Resilience { get; init; } = ModelResilience.None;

    /// <summary>What a whitespace-only user message is replaced with when sent, or null to send it as it is.</summary>
    public string? BlankMessage { get; init; }

    /// <summary>Where the entry came from: <c>built-in</c>, a file path, or <c>ad hoc</c>.</summary>
    public string Source { get; init; } = "built-in";

    /// <summary>Whether the catalog has a price for this model; without one its cost is not counted.</summary>
    public bool HasPrice => InputPricePerMillion is not null || OutputPricePerMillion is not null;

    /// <summary>The cost of a call in US dollars, or null when the catalog has no prices for this model.</summary>
    public decimal? Cost(long inputTokens, long outputTokens) =>
        !HasPrice
            ? null
            : ((inputTokens * (InputPricePerMillion ?? 0m)) + (outputTokens * (OutputPricePerMillion ?? 0m))) / 1_000_000m;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Provider}:{ModelId})";
}
