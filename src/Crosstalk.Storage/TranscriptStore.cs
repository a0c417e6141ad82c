using Crosstalk.Storage.Postgres;
using Crosstalk.Storage.Sqlite;

namespace Crosstalk.Storage;

/// <summary>Opens transcript stores.</summary>
public static class TranscriptStore
{
    /// <summary>
    /// Opens a store, creating and migrating it as needed. <paramref name="db"/> is a PostgreSQL URL
    /// (<c>postgres://user:password@host:port/database</c>), an Npgsql connection string (<c>Host=…;Database=…</c>),
    /// or the path of a SQLite file. Where the store is when none is named is the caller's to say (the CLI's
    /// <c>--db</c>, <c>$CROSSTALK_DB</c>, a default path); this library reads no environment variable.
    /// </summary>
    /// <exception cref="TranscriptStoreException">The store cannot be opened; the message says why in one sentence.</exception>
    public static async Task<ITranscriptStore> OpenAsync(string db, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(db);
        if (PostgresConnectionString.TryConvert(db, out var connectionString))
        {
            return await PostgresTranscriptStore.OpenAsync(connectionString, cancellationToken);
        }

        return await SqliteTranscriptStore.OpenAsync(db.Trim(), cancellationToken);
    }

    /// <summary>Whether <paramref name="db"/> names a PostgreSQL database (a URL or a connection string) rather than a SQLite file.</summary>
    /// <exception cref="TranscriptStoreException">It is a PostgreSQL URL with a parameter Crosstalk does not know.</exception>
    public static bool IsPostgres(string db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return PostgresConnectionString.TryConvert(db, out _);
    }

    /// <summary>
    /// The Npgsql connection string of a PostgreSQL <paramref name="db"/> (a URL or a connection string), for what else
    /// works on the same database (a cluster's Orleans tables); false when <paramref name="db"/> names a SQLite file.
    /// </summary>
    /// <exception cref="TranscriptStoreException">It is a PostgreSQL URL or connection string that cannot be read.</exception>
    public static bool TryGetPostgresConnectionString(string db, out string connectionString)
    {
        ArgumentNullException.ThrowIfNull(db);
        return PostgresConnectionString.TryConvert(db, out connectionString);
    }
}
