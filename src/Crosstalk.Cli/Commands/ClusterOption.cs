using System.CommandLine;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--cluster</c> option of <c>batch</c> and <c>resume</c>.</summary>
internal static class ClusterOption
{
    public static Option<bool> Create() => new("--cluster")
    {
        Description = "Hand the run to the cluster's silos ('crosstalk cluster silo') instead of running it here, and follow it; needs a PostgreSQL --db. The experiment's concurrency is then per silo. See docs/cluster.md.",
    };

    /// <summary>Refuses <c>--cluster</c> on a SQLite store before anything is stored.</summary>
    public static void Check(bool cluster, string database)
    {
        if (cluster && !CliEngine.LooksLikePostgres(database))
        {
            throw new UsageException(
                $"--cluster needs the store in PostgreSQL (--db postgres://user:password@host/database), where the silos meet; {database} is a SQLite file.");
        }
    }
}
