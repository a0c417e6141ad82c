using Crosstalk.Models.Catalog;
using Crosstalk.Models.Offline;
using Crosstalk.Models.Providers;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Models;

/// <summary>
/// The model resolver: offline agents first (each conversation's seed), then the catalog (built-ins merged with the user's
/// file), <c>provider:model</c> and bare OpenRouter ids through one <see cref="ModelClientFactory"/>, whose clients share
/// rate limits, pools and circuit breakers across every conversation of the engine.
/// </summary>
public sealed class ModelResolver : IModelResolver, IDisposable
{
    private readonly ModelResolverOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<ModelClientFactory> _factory;
    private int _disposed;

    /// <summary>Creates a resolver; a catalog file that is named is read at once, so a mistake in it is reported before anything runs.</summary>
    /// <exception cref="ModelResolutionException">The catalog file is missing or not valid.</exception>
    public ModelResolver(ModelResolverOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _factory = new(CreateFactory);
        if (options.CatalogFile is not null)
        {
            _ = Catalog;
        }
    }

    /// <summary>The catalog (built-ins merged with the user's file), loaded on first use.</summary>
    /// <exception cref="ModelResolutionException">The catalog file is missing or not valid.</exception>
    public ModelCatalog Catalog
    {
        get
        {
            try
            {
                return _factory.Value.Catalog;
            }
            catch (ModelCatalogException ex)
            {
                throw new ModelResolutionException(ex.Message, ex);
            }
        }
    }

    /// <inheritdoc />
    public string Anchor(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!reference.StartsWith(OfflineAgents.ReplayPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return reference;
        }

        var seat = reference.LastIndexOf('#');
        var end = seat > OfflineAgents.ReplayPrefix.Length ? seat : reference.Length;
        return string.Concat(reference.AsSpan(0, OfflineAgents.ReplayPrefix.Length), ResolvePath(reference[OfflineAgents.ReplayPrefix.Length..end]), reference.AsSpan(end));
    }

    /// <inheritdoc />
    public ResolvedModel Resolve(string reference, int seed)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new ModelResolutionException("No model was named; name one such as offline:eliza.") { Reference = reference };
        }

        try
        {
            var offline = new OfflineAgentOptions
            {
                Seed = seed,
                TokenDelay = _options.TokenDelay,
                TimeProvider = _time,
                LoadTranscript = path => TranscriptFile.Read(ResolvePath(path)),
            };
            if (OfflineAgents.TryCreate(reference, offline, out var client, out var displayName))
            {
                return new ResolvedModel(reference, displayName, client, (client as ReplayChatClient)?.Opener);
            }

            var provided = _factory.Value.CreateClient(reference, out var entry);
            return new ResolvedModel(reference, entry.DisplayName, provided, BlankMessage: entry.BlankMessage, Unpriced: !entry.HasPrice);
        }
        catch (Exception ex) when (ex is ArgumentException or ModelCatalogException or ProviderException or InvalidOperationException
            or TranscriptFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ModelResolutionException($"{reference}: {ExceptionText.ForUser(ex)}", ex) { Reference = reference };
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Idempotent: a host's container and the engine may both dispose it.
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _factory.IsValueCreated)
        {
            _factory.Value.Dispose();
        }
    }

    private string ResolvePath(string path) => Path.GetFullPath(path, _options.WorkingDirectory);

    private ModelClientFactory CreateFactory()
    {
        var catalogFile = _options.CatalogFile is null ? null : ResolvePath(_options.CatalogFile);
        var catalog = ModelCatalog.Load(catalogFile, new SecretStore(_options.SecretsFile, _options.Environment));
        return new ModelClientFactory(
            catalog,
            new ModelClientFactoryOptions
            {
                TimeProvider = _time,
                EnableOpenTelemetry = _options.EnableOpenTelemetry,
                TelemetrySourceName = _options.TelemetrySourceName,
                LoggerFactory = _options.LoggerFactory,
                Coordination = _options.Coordination,
            });
    }
}
