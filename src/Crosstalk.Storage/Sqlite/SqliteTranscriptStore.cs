using System.Data.Common;
using System.Globalization;
using Crosstalk.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Crosstalk.Storage.Sqlite;

/// <summary>
/// The store in one SQLite file: WAL journal, <c>synchronous=FULL</c> so a committed message survives power loss,
/// one writer connection (SQLite has one writer anyway) with its append statements prepared once, and pooled
/// reader connections that WAL lets read while the writer writes.
/// </summary>
internal sealed class SqliteTranscriptStore : SqlTranscriptStore
{
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _hotCommands = new(StringComparer.Ordinal);
    private bool _disposed;

    private SqliteTranscriptStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
        _writer = new SqliteConnection(_connectionString);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string Description => $"SQLite database {Path}";

    protected override string MigrationFolder => "Sqlite";

    protected override string LikeOperator => "LIKE";

    protected override string ForUpdate => "";

    protected override string ParticipantsJson =>
        "(SELECT json_group_array(json_object('seat', p.seat, 'name', p.name, 'model', p.model)) " +
        "FROM participants p WHERE p.conversation_id = c.id)";

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and migrates it.</summary>
    public static async Task<SqliteTranscriptStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new TranscriptStoreException($"The database path {fullPath} is a folder; give a file name such as {System.IO.Path.Combine(fullPath, "crosstalk.db")}.");
        }

        var folder = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var store = new SqliteTranscriptStore(fullPath);
        try
        {
            await store._writer.OpenAsync(cancellationToken);
            await ConfigureAsync(store._writer, cancellationToken);
            await using (var command = store._writer.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode = WAL";
                var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new TranscriptStoreException($"The SQLite database {fullPath} could not switch to WAL mode (it reports '{mode}').");
                }
            }

            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch (SqliteException e)
        {
            await store.DisposeAsync();
            throw new TranscriptStoreException($"Could not open the SQLite database {fullPath}: {e.Message}", e);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ConfigureAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task<T> InWriteTransactionAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // BEGIN IMMEDIATE: take the write lock up front, so another process's writer waits (busy_timeout)
            // instead of failing half-way through the transaction.
            await using var transaction = _writer.BeginTransaction(deferred: false);
            var result = await work(_writer, transaction, cancellationToken);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override DbCommand HotCommand(DbConnection connection, DbTransaction transaction, string sql)
    {
        if (!ReferenceEquals(connection, _writer))
        {
            return base.HotCommand(connection, transaction, sql);
        }

        // Called under the write lock only, so the cache needs no lock of its own. A SqliteCommand keeps its prepared
        // statement across executions while its text stays the same.
        if (!_hotCommands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            _hotCommands.Add(sql, command);
        }

        command.Transaction = (SqliteTransaction)transaction;
        command.Parameters.Clear();
        return command;
    }

    protected override ValueTask ReleaseHotCommandAsync(DbCommand command) =>
        _hotCommands.ContainsValue((SqliteCommand)command) ? ValueTask.CompletedTask : base.ReleaseHotCommandAsync(command);

    protected override string Instant(string expression) => $"julianday({expression})";

    protected override string FullTextCondition(string message, string parameter) =>
        $"{message}.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH {parameter})";

    protected override string FullTextValue(string text) => SearchText.Fts5Query(text);

    protected override void AddTime(DbCommand command, string name, DateTimeOffset? value) =>
        Add(command, name, value?.ToString("o", CultureInfo.InvariantCulture), System.Data.DbType.String);

    protected override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    protected override void AddCost(DbCommand command, string name, decimal? value) =>
        Add(command, name, value?.ToString(CultureInfo.InvariantCulture), System.Data.DbType.String);

    protected override decimal? ReadCost(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : reader.GetValue(ordinal) switch
            {
                string text => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                var number => Convert.ToDecimal(number, CultureInfo.InvariantCulture),
            };

    protected override void AddJson(DbCommand command, string name, string? json) =>
        Add(command, name, json, System.Data.DbType.String);

    public override async ValueTask DisposeAsync()
    {
        // Waiting for the lock lets an append in flight commit before the connection closes.
        await _writeLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var command in _hotCommands.Values)
            {
                await command.DisposeAsync();
            }

            _hotCommands.Clear();

            // Closes pooled reader connections too, so the file is free to move or delete once the store is disposed.
            SqliteConnection.ClearPool(_writer);
            await _writer.DisposeAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task ConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}; PRAGMA synchronous = FULL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
