namespace Crosstalk.Storage;

/// <summary>
/// A silo of a Crosstalk cluster on this store, as Orleans' membership table records it (PostgreSQL only): where it
/// listens, what it is called, and whether the cluster counts it alive.
/// </summary>
/// <param name="Address">Its IP address.</param>
/// <param name="Port">Its silo-to-silo port.</param>
/// <param name="Generation">Which start of a silo at that address it is (a restarted silo is a new one).</param>
/// <param name="Name">Its name.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Status">Orleans' status: <c>active</c>, <c>joining</c>, <c>shutting down</c>, <c>stopping</c>, <c>dead</c>…</param>
/// <param name="GatewayPort">Its client gateway port, if it has one.</param>
/// <param name="Started">When it started.</param>
/// <param name="LastAlive">When it last said it was alive.</param>
public sealed record ClusterSilo(
    string Address, int Port, int Generation, string Name, string Host, string Status, int? GatewayPort, DateTimeOffset Started, DateTimeOffset LastAlive)
{
    /// <summary>Whether the cluster counts it as a working member.</summary>
    public bool IsActive => Status == "active";

    /// <summary>The silo's address as Orleans writes it (<c>SiloAddress.ToParsableString</c>): <c>ip:port@generation</c>.</summary>
    public string SiloAddress => $"{Address}:{Port}@{Generation}";
}
