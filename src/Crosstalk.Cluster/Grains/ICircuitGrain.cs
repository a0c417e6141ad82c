namespace Crosstalk.Cluster.Grains;

/// <summary>The cluster's open circuit breakers (one grain, key 0): a circuit that opens for an endpoint on one silo is open on all.</summary>
public interface ICircuitGrain : IGrainWithIntegerKey
{
    /// <summary>The circuit of <paramref name="endpoint"/> opened on a silo until <paramref name="until"/>.</summary>
    [OneWay]
    Task OpenedAsync(string endpoint, DateTimeOffset until);

    /// <summary>The endpoints whose circuit is open now, and until when.</summary>
    Task<Dictionary<string, DateTimeOffset>> GetOpenAsync();
}
