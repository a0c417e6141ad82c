namespace Crosstalk.Engine.Models;

/// <summary>Where models come from and how the offline agents behave. Nothing here is read from the environment by the library.</summary>
public sealed class ModelResolverOptions
{
    /// <summary>A model catalog (YAML) merged over the built-in one; null for the built-ins only.</summary>
    public string? CatalogFile { get; set; }

    /// <summary>A <c>NAME=VALUE</c> file of keys consulted after <see cref="Environment"/>; null for none.</summary>
    public string? SecretsFile { get; set; }

    /// <summary>Where keys come from first (the CLI passes its process environment); nothing by default.</summary>
    public Func<string, string?> Environment { get; set; } = _ => null;

    /// <summary>What relative <c>replay:</c> paths are relative to.</summary>
    public string WorkingDirectory { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>How long the offline agents wait between words, so a viewer can watch them type. None by default.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>Emit OpenTelemetry traces and metrics for every model call.</summary>
    public bool EnableOpenTelemetry { get; set; }

    /// <summary>Where the model layer logs attempts, retries, circuit breaker changes and rate-limit waits; null for nowhere.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The ActivitySource / Meter name of those traces.</summary>
    public string TelemetrySourceName { get; set; } = "Crosstalk";

    /// <summary>
    /// What makes the catalog's limits (concurrency, rpm, tpm) and the endpoints' circuit breakers hold across processes —
    /// a cluster's silos share them; null (the default) keeps them in this process.
    /// </summary>
    public Crosstalk.Models.Middleware.IModelCoordination? Coordination { get; set; }
}
