namespace Crosstalk.Models.Catalog;

// The YAML shape of a catalog file; YamlDotNet fills these by reflection, so their setters are public.
internal sealed class CatalogDocument
{
    public Dictionary<string, ProviderDocument>? Providers { get; set; }

    public List<ModelDocument>? Models { get; set; }
}

internal sealed class ProviderDocument
{
    public string? Api { get; set; }

    public string? Endpoint { get; set; }

    public string? Key { get; set; }

    public string? BlankMessage { get; set; }

    public LimitsDocument? Limits { get; set; }

    public ResilienceDocument? Resilience { get; set; }
}

internal sealed class ModelDocument
{
    public string? Name { get; set; }

    public string? Display { get; set; }

    public string? Provider { get; set; }

    public string? Model { get; set; }

    public string? Api { get; set; }

    public string? Endpoint { get; set; }

    public string? Key { get; set; }

    public int? Context { get; set; }

    public PriceDocument? Price { get; set; }

    public OptionsDocument? Options { get; set; }

    public LimitsDocument? Limits { get; set; }

    public ResilienceDocument? Resilience { get; set; }

    public string? BlankMessage { get; set; }
}

internal sealed class PriceDocument
{
    public decimal? Input { get; set; }

    public decimal? Output { get; set; }
}

internal sealed class OptionsDocument
{
    public float? Temperature { get; set; }

    public float? TopP { get; set; }

    public int? MaxTokens { get; set; }
}

internal sealed class LimitsDocument
{
    public int? Concurrency { get; set; }

    public int? Rpm { get; set; }

    public int? Tpm { get; set; }

    public ModelLimits ToLimits() => new(Concurrency, Rpm, Tpm);
}

// Times are written as Crosstalk writes every duration (Durations): 500ms, 30s, 2m, 1h or 00:10:00.
internal sealed class ResilienceDocument
{
    public int? Attempts { get; set; }

    public string? BaseDelay { get; set; }

    public string? MaxDelay { get; set; }

    public string? MaxRetryAfter { get; set; }

    public string? TotalTimeout { get; set; }

    public string? FirstTokenTimeout { get; set; }

    public string? IdleTimeout { get; set; }

    public string? AttemptTimeout { get; set; }
}
