using System.Net;

namespace Crosstalk.Cluster;

/// <summary>How a silo joins the cluster.</summary>
public sealed class CrosstalkSiloOptions
{
    /// <summary>The port silos talk to each other on. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients (<c>crosstalk batch --cluster</c>) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other machines reach this silo at; loopback (one machine) by default. When set to another address the
    /// silo listens on every interface.
    /// </summary>
    public IPAddress? AdvertisedAddress { get; set; }

    /// <summary>The silo's name in the cluster's listings; by default the machine's name and the silo port.</summary>
    public string? Name { get; set; }

    /// <summary>How often a run grain looks at the store and hands out conversations. Default 1 s.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the reminder that keeps a run going fires. It matters only when the silo holding a run grain dies with
    /// nothing of the run running elsewhere (a conversation that ends wakes the run grain at once). Default 1 minute,
    /// Orleans' own minimum.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
