using System.Diagnostics;
using System.Globalization;

namespace Crosstalk.Storage;

/// <summary>
/// Lease owner ids that say where the owner runs: <c>host/pid/start</c>. A process can then tell that an owner on its own
/// machine has died (kill -9, a crash) and take its conversations at once instead of waiting for the lease to expire.
/// </summary>
public static class LeaseOwners
{
    /// <summary>An owner id for this process; <paramref name="tag"/> tells apart several owners in one process.</summary>
    public static string ForThisProcess(string? tag = null)
    {
        using var process = Process.GetCurrentProcess();
        var id = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{StartTicks(process)}");
        return tag is null ? id : id + "/" + tag;
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

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited || StartTicks(process) != started;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private static long StartTicks(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerMillisecond;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }
}
