using Crosstalk.Storage;

namespace Crosstalk.Cluster;

/// <summary>The one database a cluster lives in: the store's, which must be PostgreSQL.</summary>
internal static class ClusterDatabase
{
    public static string ConnectionString(string database)
    {
        try
        {
            if (TranscriptStore.TryGetPostgresConnectionString(database, out var connectionString))
            {
                return connectionString;
            }
        }
        catch (TranscriptStoreException ex)
        {
            throw new ClusterException(ex.Message, ex);
        }

        throw new ClusterException(
            "A cluster keeps its store, its membership and its reminders in one PostgreSQL database: --db must name one " +
            "(postgres://user:password@host:port/database), not a SQLite file.");
    }
}
