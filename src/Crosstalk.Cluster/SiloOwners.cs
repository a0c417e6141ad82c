using Crosstalk.Storage;

namespace Crosstalk.Cluster;

/// <summary>
/// The lease owner id of a silo's engine names the silo (<c>host/pid/start/silo=ip:port@generation</c>), so that the
/// cluster can tell which silo runs a conversation, and free the conversations of a silo its membership declared dead.
/// </summary>
public static class SiloOwners
{
    private const string Tag = "silo=";

    /// <summary>The owner id for this process as the silo <paramref name="siloAddress"/> (Orleans' parsable form).</summary>
    public static string ForSilo(string siloAddress) => LeaseOwners.ForThisProcess(Tag + siloAddress);

    /// <summary>The silo (Orleans' parsable address) in an owner id; null for an owner that is not a silo (a CLI, the web viewer).</summary>
    public static string? SiloOf(string? owner)
    {
        if (owner is null)
        {
            return null;
        }

        var at = owner.IndexOf("/" + Tag, StringComparison.Ordinal);
        return at < 0 ? null : owner[(at + 1 + Tag.Length)..];
    }
}
