using System.Diagnostics;
using System.Globalization;

namespace Crosstalk.Storage;

/// <summary>
/// Lease owner ids that say where the owner runs: <c>host/pid/start</c>. A process can then tell that an owner on its own
/// machine has died (kill -9, a crash) and take its conversations at once instead of waiting for the lease to expire.
/// </summary>
public static class LeaseOwners
{
    private const string SiloTag = "silo=";

    /// <summary>An owner id for this process; <paramref name="tag"/> tells apart several owners in one process.</summary>
    public static string ForThisProcess(string? tag = null)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{StartMark(Environment.ProcessId)}");
        return tag is null ? id : id + "/" + tag;
    }

    /// <summary>
    /// The owner id of this process as a cluster silo (<c>host/pid/start/silo=ip:port@generation</c>, the address in
    /// Orleans' parsable form), so that a cluster can tell which silo runs a conversation, and free those of a dead silo.
    /// </summary>
    public static string ForSilo(string siloAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(siloAddress);
        return ForThisProcess(SiloTag + siloAddress);
    }

    /// <summary>The silo address in an owner id; null for an owner that is not a silo (a CLI, the web viewer).</summary>
    public static string? SiloOf(string? owner)
    {
        var at = owner?.IndexOf("/" + SiloTag, StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : owner![(at + 1 + SiloTag.Length)..];
    }

    /// <summary>
    /// Whether <paramref name="owner"/> names a process on this machine that no longer runs (or a different process that
    /// reused its id). Owners on other machines, and ids in another form, are never called dead: their leases expire.
    /// </summary>
    public static bool IsDeadOnThisMachine(string owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var parts = owner.Split('/');
        if (parts.Length < 3 || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return false;
        }

        var now = StartMark(pid);
        return now is null || now != started;
    }

    /// <summary>
    /// When process <paramref name="pid"/> started, as a number that every process reads the same: on Linux the start time in
    /// clock ticks since boot (<c>/proc/PID/stat</c>, field 22); elsewhere the start time in whole seconds. Null when no such
    /// process runs.
    /// </summary>
    private static long? StartMark(int pid)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        if (File.Exists("/proc/self/stat"))
        {
            try
            {
                // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
                var text = File.ReadAllText(stat);
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
