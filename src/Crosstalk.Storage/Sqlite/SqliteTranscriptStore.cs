using System.Data.Common;
using System.Globalization;
using Crosstalk.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Crosstalk.Storage.Sqlite;

/// <summary>
/// The store in one SQLite file: WAL journal, <c>synchronous=FULL</c> so a committed message survives power loss,
/// one writer connection (SQLite has one writer anyway) with its append statements prepared once, group commit (writes
/// that queue up while another commits share the next transaction and its fsync, each in its own savepoint), and
/// pooled reader connections that WAL lets read while the writer writes.
/// </summary>
internal sealed class SqliteTranscriptStore : SqlTranscriptStore
{
    private const int BusyTimeoutMilliseconds = 30_000;
    private const string SavepointName = "crosstalk_write";

    private const string FullTextBehindSql =
        "SELECT 1 FROM messages WHERE id > (SELECT indexed_upto FROM fts_state WHERE id = 1) LIMIT 1";

    // Messages are indexed lazily (migration 0002): every message above the watermark, then the watermark moves to the
    // highest id, in one transaction, so the index and the watermark never disagree.
    private const string CatchUpFullTextSql =
        "INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages " +
        "WHERE id > (SELECT indexed_upto FROM fts_state WHERE id = 1) ORDER BY id; " +
        "UPDATE fts_state SET indexed_upto = (SELECT COALESCE(MAX(id), 0) FROM messages) WHERE id = 1 " +
        "AND indexed_upto < (SELECT COALESCE(MAX(id), 0) FROM messages);";

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _hotCommands = new(StringComparer.Ordinal);
    private readonly List<PendingWrite> _pending = [];
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
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TranscriptStoreException($"Could not open the SQLite database {fullPath}: its folder {folder} cannot be created ({e.Message.TrimEnd('.')}).", e);
            }
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
        // Group commit: writes that arrive while another is committing wait together, and the next writer to take the
        // lock commits all of them in one transaction (one fsync), each in its own savepoint so a failing write undoes
        // only itself. Every caller still returns only once its own write is committed.
        var write = new PendingWrite<T>(work, cancellationToken);
        lock (_pending)
        {
            _pending.Add(write);
        }

        try
        {
            await _writeLock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_pending)
            {
                if (_pending.Remove(write))
                {
                    throw;
                }
            }

            // Another writer already took this write into its batch; its outcome is this call's outcome.
            return await write.Task;
        }

        try
        {
            if (!write.Task.IsCompleted)
            {
                await CommitPendingAsync();
            }
        }
        finally
        {
            _writeLock.Release();
        }

        return await write.Task;
    }

    // Runs under the write lock.
    private async Task CommitPendingAsync()
    {
        List<PendingWrite> batch;
        lock (_pending)
        {
            batch = [.. _pending];
            _pending.Clear();
        }

        var done = new List<PendingWrite>(batch.Count);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // BEGIN IMMEDIATE: take the write lock up front, so another process's writer waits (busy_timeout)
            // instead of failing half-way through the transaction.
            await using var transaction = _writer.BeginTransaction(deferred: false);
            if (batch.Count == 1)
            {
                // Alone: no savepoint; a failure rolls the whole transaction back, as it always did.
                await batch[0].RunAsync(_writer, transaction);
                done.Add(batch[0]);
            }
            else
            {
                foreach (var write in batch)
                {
                    if (write.CancellationToken.IsCancellationRequested)
                    {
                        write.Fail(new OperationCanceledException(write.CancellationToken));
                        continue;
                    }

                    await transaction.SaveAsync(SavepointName, CancellationToken.None);
                    try
                    {
                        await write.RunAsync(_writer, transaction);
                    }
                    catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 })
                    {
                        // Undo this write only. If SQLite already rolled the whole transaction back, this throws and
                        // the whole batch fails below.
                        await transaction.RollbackAsync(SavepointName, CancellationToken.None);
                        await transaction.ReleaseAsync(SavepointName, CancellationToken.None);
                        write.Fail(e);
                        continue;
                    }

                    await transaction.ReleaseAsync(SavepointName, CancellationToken.None);
                    done.Add(write);
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // Nothing of this batch was committed: every write not yet answered fails with the cause.
            foreach (var write in batch)
            {
                write.Fail(e);
            }

            return;
        }

        foreach (var write in done)
        {
            write.Succeed();
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

    protected override async Task CatchUpFullTextAsync(CancellationToken cancellationToken)
    {
        // A cheap read first: a search with nothing new to index takes no write lock (another process may be appending).
        await using (var connection = await OpenReadConnectionAsync(cancellationToken))
        {
            await using var check = Command(connection, null, FullTextBehindSql);
            if (await check.ExecuteScalarAsync(cancellationToken) is null)
            {
                return;
            }
        }

        await InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                // Re-read the watermark inside the write transaction: another search may have caught up meanwhile.
                await ExecuteAsync(connection, transaction, CatchUpFullTextSql, token);
                return true;
            },
            cancellationToken);
    }

    protected override TranscriptStoreException Describe(DbException exception)
    {
        var detail = exception is SqliteException sqlite ? FirstSentence(sqlite.Message) : exception.Message;
        return (exception as SqliteException)?.SqliteErrorCode switch
        {
            5 or 6 => new TranscriptStoreException($"The SQLite database {Path} stayed busy (another process held it): {detail}", exception, isTransient: true),
            13 => new TranscriptStoreException($"The disk that holds the SQLite database {Path} is full; free some space, then go on ({detail}).", exception, isTransient: false),
            3 or 8 or 14 or 23 => new TranscriptStoreException($"Crosstalk may not write the SQLite database {Path} ({detail}); check its permissions and its folder's.", exception, isTransient: false),
            11 or 26 => new TranscriptStoreException($"{Path} is not a Crosstalk database or is damaged ({detail}).", exception, isTransient: false),
            10 => new TranscriptStoreException($"The SQLite database {Path} could not be written: a disk error ({detail}); is its disk full, or failing?", exception, isTransient: false),
            _ => new TranscriptStoreException($"The SQLite database {Path} refused the operation: {detail}", exception, isTransient: false),
        };
    }

    // "SQLite Error 13: 'database or disk is full'." → "database or disk is full"
    private static string FirstSentence(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : message.Split('\n')[0].TrimEnd('.');
    }

    protected override string FullTextCondition(string message, string parameter) =>
        $"{message}.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH {parameter})";

    protected override string FullTextValue(string text) => SearchText.Fts5Query(text);

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

    /// <summary>A write waiting for the writer connection.</summary>
    private abstract class PendingWrite(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract Task RunAsync(DbConnection connection, DbTransaction transaction);

        public abstract void Succeed();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        : PendingWrite(cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(DbConnection connection, DbTransaction transaction) =>
            _result = await work(connection, transaction, CancellationToken);

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception)
        {
            if (exception is OperationCanceledException canceled)
            {
                _completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _completion.TrySetException(exception);
            }
        }
    }
}
