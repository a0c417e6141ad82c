using Crosstalk.Cluster.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Crosstalk.Cluster;

/// <summary>
/// What hands a run to the cluster and asks how it stands: an Orleans client that finds the silos' gateways in the
/// store's database. Every call returns at once; the run's progress is in the store.
/// </summary>
public sealed class CrosstalkClusterClient : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IClusterClient _client;

    private CrosstalkClusterClient(IHost host)
    {
        _host = host;
        _client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Connects to a silo of the cluster on <paramref name="database"/>.</summary>
    /// <exception cref="ClusterException">The database is not PostgreSQL, or no silo answers.</exception>
    public static async Task<CrosstalkClusterClient> ConnectAsync(string database, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        var connectionString = ClusterDatabase.ConnectionString(database);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterNames.ClusterId;
                o.ServiceId = ClusterNames.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = ClusterNames.Invariant;
                o.ConnectionString = connectionString;
            });

            // Every call of the client returns at once; one that does not has met a silo that died, and is asked again.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClusterNames.CallTimeout);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterException(
                "No silo of the cluster on this database answers; start one with 'crosstalk cluster silo --db …' " +
                $"({ex.Message.Split('\n')[0].TrimEnd('.')}).",
                ex);
        }

        return new CrosstalkClusterClient(host);
    }

    /// <summary>Hands the run to the cluster, or goes on with it if it already has it.</summary>
    public Task<ClusterRunStatus> StartRunAsync(string runId, ClusterRunSettings settings) => Run(runId).StartAsync(settings);

    /// <summary>Asks the cluster to stop the run gracefully: running conversations stop as interrupted.</summary>
    public Task<ClusterRunStatus> StopRunAsync(string runId) => Run(runId).StopAsync();

    /// <summary>How the run stands in the cluster.</summary>
    public Task<ClusterRunStatus> GetRunStatusAsync(string runId) => Run(runId).GetStatusAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is OrleansException or OperationCanceledException)
        {
            // The silos went away first.
        }

        _host.Dispose();
    }

    private IRunGrain Run(string runId) => _client.GetGrain<IRunGrain>(runId);
}
