using Crosstalk.Storage.Postgres;
using Crosstalk.Storage.Sqlite;

namespace Crosstalk.Storage;

/// <summary>Opens transcript stores.</summary>
public static class TranscriptStore
{
    /// <summary>The environment variable that names the store when <c>--db</c> is not given.</summary>
    public const string EnvironmentVariable = "CROSSTALK_DB";

    /// <summary>
    /// Where the SQLite store lives when neither <c>--db</c> nor <c>CROSSTALK_DB</c> says otherwise:
    /// <c>$XDG_DATA_HOME/crosstalk/crosstalk.db</c>, or <c>~/.local/share/crosstalk/crosstalk.db</c>.
    /// </summary>
    public static string DefaultPath
    {
        get
        {
            var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrWhiteSpace(dataHome) || !Path.IsPathRooted(dataHome))
            {
                dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            return Path.Combine(dataHome, "crosstalk", "crosstalk.db");
        }
    }

    /// <summary>
    /// Opens a store, creating and migrating it as needed. <paramref name="db"/> is a PostgreSQL URL
    /// (<c>postgres://user:password@host:port/database</c>), an Npgsql connection string (<c>Host=…;Database=…</c>),
    /// or the path of a SQLite file; <see langword="null"/> or empty means <c>$CROSSTALK_DB</c>, else <see cref="DefaultPath"/>.
    /// </summary>
    /// <exception cref="TranscriptStoreException">The store cannot be opened; the message says why in one sentence.</exception>
    public static async Task<ITranscriptStore> OpenAsync(string? db, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(db))
        {
            db = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(db))
        {
            db = DefaultPath;
        }

        if (PostgresConnectionString.TryConvert(db, out var connectionString))
        {
            return await PostgresTranscriptStore.OpenAsync(connectionString, cancellationToken);
        }

        return await SqliteTranscriptStore.OpenAsync(ExpandHome(db.Trim()), cancellationToken);
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;
}
