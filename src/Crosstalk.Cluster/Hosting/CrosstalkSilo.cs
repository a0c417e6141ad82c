using System.Globalization;
using System.Net;
using Crosstalk.Cluster.Coordination;
using Crosstalk.Engine;
using Crosstalk.Engine.Hosting;
using Crosstalk.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Crosstalk.Cluster;

/// <summary>
/// A running silo: an Orleans silo on the store's PostgreSQL database (membership, reminders and run settings in the
/// tables the store's migrations created) hosting one engine, whose lease owner id names the silo.
/// </summary>
public sealed class CrosstalkSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private CrosstalkSilo(IHost host, string name, string address)
    {
        _host = host;
        Name = name;
        Address = address;
    }

    /// <summary>The silo's name.</summary>
    public string Name { get; }

    /// <summary>The silo's address, as Orleans writes it (<c>ip:port@generation</c>).</summary>
    public string Address { get; }

    /// <summary>The engine this silo runs conversations with.</summary>
    public CrosstalkEngine Engine => _host.Services.GetRequiredService<CrosstalkEngine>();

    /// <summary>
    /// Opens the store (migrating it, Orleans' tables included), then starts the silo and joins the cluster on that database.
    /// </summary>
    /// <exception cref="ClusterException">The store is not PostgreSQL, or the silo cannot start (a port in use).</exception>
    /// <exception cref="TranscriptStoreException">The store cannot be opened.</exception>
    public static async Task<CrosstalkSilo> StartAsync(
        CrosstalkSiloOptions silo, CrosstalkOptions engine, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(engine);
        engine.Validate();
        var connectionString = ClusterDatabase.ConnectionString(engine.Database);
        var name = silo.Name ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{silo.SiloPort}");
        var store = await TranscriptStore.OpenAsync(engine.Database, cancellationToken);
        IHost? host = null;
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            logging?.Invoke(builder.Logging);
            builder.UseOrleans(orleans =>
            {
                orleans.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterNames.ClusterId;
                    o.ServiceId = ClusterNames.ServiceId;
                });
                orleans.Configure<SiloOptions>(o => o.SiloName = name);

                // No grain call waits for a model; one that takes this long met a silo that died (Orleans' default is 30 s).
                orleans.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ClusterNames.CallTimeout);
                var advertised = silo.AdvertisedAddress ?? IPAddress.Loopback;
                orleans.ConfigureEndpoints(advertised, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
                orleans.UseAdoNetClustering(o =>
                {
                    o.Invariant = ClusterNames.Invariant;
                    o.ConnectionString = connectionString;
                });
                orleans.UseAdoNetReminderService(o =>
                {
                    o.Invariant = ClusterNames.Invariant;
                    o.ConnectionString = connectionString;
                });
                orleans.AddAdoNetGrainStorage(ClusterNames.Storage, o =>
                {
                    o.Invariant = ClusterNames.Invariant;
                    o.ConnectionString = connectionString;
                });
            });
            builder.Services.AddSingleton(Options.Create(silo));
            builder.Services.AddSingleton<ClusterCoordination>();
            builder.Services.AddSingleton(provider =>
            {
                // The engine's leases name this silo; its models share their limits and circuits with every other silo.
                engine.Owner = LeaseOwners.ForSilo(provider.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString());
                engine.Models.Coordination = provider.GetRequiredService<ClusterCoordination>();
                return CrosstalkEngine.Create(store, engine, provider.GetService<ILoggerFactory>());
            });
            host = builder.Build();

            // Built here rather than on first use, so that the engine (and the store it now owns) is disposed with the host.
            var address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
            _ = host.Services.GetRequiredService<CrosstalkEngine>();
            await host.StartAsync(cancellationToken);
            return new CrosstalkSilo(host, name, address);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ClusterException)
        {
            if (host is not null)
            {
                await DisposeQuietlyAsync(host);
            }
            else
            {
                await store.DisposeAsync();
            }

            throw new ClusterException($"The silo could not start: {ex.Message.Split('\n')[0].TrimEnd('.')}.", ex);
        }
    }

    /// <summary>Leaves the cluster: running conversations stop as interrupted (another silo goes on with them), then the engine closes.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default) => await _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await DisposeQuietlyAsync(_host);

    private static async Task DisposeQuietlyAsync(IHost host)
    {
        try
        {
            await host.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is OrleansException or OperationCanceledException or InvalidOperationException)
        {
            // Stopping a silo that never fully started.
        }

        if (host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
