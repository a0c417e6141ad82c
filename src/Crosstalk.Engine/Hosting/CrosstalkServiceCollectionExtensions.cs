using Crosstalk.Engine.Models;
using Crosstalk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crosstalk.Engine.Hosting;

/// <summary>Registers the engine with a host (the web viewer, a silo, a user's own service).</summary>
public static class CrosstalkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CrosstalkEngine"/> (opened from <see cref="CrosstalkOptions"/> on first use, disposed with the
    /// container), its <see cref="ITranscriptStore"/> and its <see cref="IModelResolver"/> as singletons.
    /// </summary>
    public static IServiceCollection AddCrosstalk(this IServiceCollection services, Action<CrosstalkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CrosstalkOptions>().Configure(configure).Validate(
            options =>
            {
                options.Validate();
                return true;
            });
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CrosstalkOptions>>().Value;

            // A container builds singletons synchronously; opening (and migrating) the store happens once, at start.
            return CrosstalkEngine.OpenAsync(options, provider.GetService<ILoggerFactory>()).GetAwaiter().GetResult();
        });
        AddParts(services);
        return services;
    }

    /// <summary>Registers an engine the caller built and keeps owning.</summary>
    public static IServiceCollection AddCrosstalk(this IServiceCollection services, CrosstalkEngine engine)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(engine);
        services.TryAddSingleton(engine);
        AddParts(services);
        return services;
    }

    private static void AddParts(IServiceCollection services)
    {
        services.TryAddSingleton(provider => provider.GetRequiredService<CrosstalkEngine>().Store);
        services.TryAddSingleton(provider => provider.GetRequiredService<CrosstalkEngine>().Models);
        services.TryAddSingleton(provider => provider.GetRequiredService<CrosstalkEngine>().Analyses);
    }
}
