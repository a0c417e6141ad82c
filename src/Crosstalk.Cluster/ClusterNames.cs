namespace Crosstalk.Cluster;

/// <summary>The names every silo and client of a Crosstalk cluster agree on.</summary>
internal static class ClusterNames
{
    /// <summary>Orleans' cluster id: one cluster per database (or PostgreSQL schema).</summary>
    public const string ClusterId = "crosstalk";

    /// <summary>Orleans' service id, which keys reminders and grain state.</summary>
    public const string ServiceId = "crosstalk";

    /// <summary>The ADO.NET provider Orleans loads for PostgreSQL.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The grain storage provider that keeps run settings.</summary>
    public const string Storage = "crosstalk";

    /// <summary>How long a grain call may take: every call returns at once, so one that takes longer met a silo that died.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
}
