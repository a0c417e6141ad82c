using System.Collections.Concurrent;
using Crosstalk.Cli.Commands;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Providers;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Provider models from the catalog, one client per model for the whole process, so every conversation using a model
/// shares its connection pool, retries and rate limits.
/// </summary>
internal sealed class CatalogModels : IDisposable
{
    private readonly Lazy<ModelClientFactory> _factory;
    private readonly ConcurrentDictionary<string, Lazy<ResolvedModel>> _models = new(StringComparer.Ordinal);

    public CatalogModels(CliContext context)
    {
        _factory = new Lazy<ModelClientFactory>(() =>
        {
            try
            {
                return new ModelClientFactory(ModelCatalog.Load(context.Environment("CROSSTALK_MODELS")), new ModelClientFactoryOptions { TimeProvider = context.TimeProvider });
            }
            catch (ModelCatalogException ex)
            {
                throw new UserException(ex.Message, ex);
            }
        });
    }

    public ResolvedModel Resolve(string reference) =>
        _models.GetOrAdd(reference, r => new Lazy<ResolvedModel>(() =>
        {
            try
            {
                var client = _factory.Value.CreateClient(r, out var entry);
                return new ResolvedModel(r, entry.DisplayName, client);
            }
            catch (ModelCatalogException ex)
            {
                throw new UserException($"model {r}: {ex.Message}", ex);
            }
        })).Value;

    public void Dispose()
    {
        if (_factory.IsValueCreated)
        {
            _factory.Value.Dispose();
        }
    }
}
