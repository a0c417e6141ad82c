namespace Crosstalk.Models.Catalog;

/// <summary>A named endpoint (<c>openai</c>, <c>moonshot</c>, <c>ollama</c>, …) that models and <c>provider:model</c> references use.</summary>
public sealed class ProviderDefinition
{
    /// <summary>The name used in <c>provider:model</c> references.</summary>
    public required string Name { get; init; }

    /// <summary>The wire protocol.</summary>
    public required ModelApi Api { get; init; }

    /// <summary>The base URL (for OpenAI-compatible endpoints, the one that ends before <c>/chat/completions</c>).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The endpoint without its query string (which may hold a key), for messages and listings.</summary>
    public string EndpointForDisplay => Endpoint.GetLeftPart(UriPartial.Path);

    /// <summary>The environment variable (or secrets-file name) that holds the key; null for keyless local servers.</summary>
    public string? KeyVariable { get; init; }

    /// <summary>What a whitespace-only user message is replaced with when sent, or null to send it as it is.</summary>
    public string? BlankMessage { get; init; }

    /// <summary>Limits every model of this provider inherits.</summary>
    public ModelLimits Limits { get; init; } = ModelLimits.None;

    /// <summary>Retries and timeouts (<c>resilience:</c>); unset values take the process defaults.</summary>
    public ModelResilience Resilience { get; init; } = ModelResilience.None;

    /// <summary>Where the definition came from: <c>built-in</c> or a file path.</summary>
    public string Source { get; init; } = "built-in";
}
