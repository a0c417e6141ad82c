using System.Data.Common;
using System.Text.RegularExpressions;
using Crosstalk.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Crosstalk.Storage.Postgres;

/// <summary>
/// The store in a PostgreSQL database, shared by a team or a cluster. Every operation takes a pooled connection from
/// one <see cref="NpgsqlDataSource"/>; every append is its own transaction and locks its conversation's row, so
/// concurrent writers to one conversation serialize and writers to different ones do not wait for each other.
/// </summary>
internal sealed partial class PostgresTranscriptStore : SqlTranscriptStore
{
    /// <summary>Connections one store keeps at most, unless the connection string says (<c>Maximum Pool Size=…</c>).</summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>Arbitrary key of the advisory lock that serializes migrations across processes.</summary>
    private const long MigrationLockKey = 0x43524f5353544c4b; // "CROSSTLK"

    private readonly NpgsqlDataSource _dataSource;

    private PostgresTranscriptStore(NpgsqlDataSource dataSource, string description)
    {
        _dataSource = dataSource;
        Description = description;
    }

    public override string Description { get; }

    protected override string MigrationFolder => "Postgres";

    protected override string LikeOperator => "ILIKE";

    protected override string ForUpdate => " FOR UPDATE";

    protected override string ParticipantsJson =>
        "(SELECT json_agg(json_build_object('seat', p.seat, 'name', p.name, 'model', p.model))::text " +
        "FROM participants p WHERE p.conversation_id = c.id)";

    /// <summary>Connects with an Npgsql connection string and migrates the database.</summary>
    public static async Task<PostgresTranscriptStore> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!MaxPoolSizeKeyword().IsMatch(connectionString))
        {
            // Writes are short and queue well for a connection; Npgsql's default of 100 per process lets three cluster
            // silos (or a batch, a viewer and two resumes) use up a server's 100 connections between them.
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        if (builder.MaxAutoPrepare == 0)
        {
            // The append statements run thousands of times per run: let Npgsql prepare them on each pooled connection.
            builder.MaxAutoPrepare = 32;
        }

        var description = $"PostgreSQL database {builder.Database ?? builder.Username ?? "(default)"} on {builder.Host}:{builder.Port}";
        var store = new PostgresTranscriptStore(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build(), description);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch (NpgsqlException e)
        {
            await store.DisposeAsync();
            var detail = (e.InnerException is { } inner && e is not PostgresException ? inner.Message : e.Message).Split('\n')[0].TrimEnd('.');
            throw new TranscriptStoreException($"Could not open the {description}: {detail}.", e, e.IsTransient);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<T> InWriteTransactionAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction, cancellationToken);

        // Not cancellable: once the work is done, a commit cut short would leave the caller unsure what was written.
        await transaction.CommitAsync(CancellationToken.None);
        return result;
    }

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key)");
        Add(command, "key", MigrationLockKey, System.Data.DbType.Int64);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task<IReadOnlyList<ClusterSilo>> GetClusterSilosCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime " +
            "FROM orleansmembershiptable ORDER BY starttime DESC, address, port");
        var silos = new List<ClusterSilo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            silos.Add(new ClusterSilo(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetString(4),
                SiloStatus(reader.GetInt32(5)),
                reader.IsDBNull(6) || reader.GetInt32(6) == 0 ? null : reader.GetInt32(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return silos;
    }

    // Orleans' SiloStatus values, as its membership table stores them.
    private static string SiloStatus(int status) => status switch
    {
        1 => "created",
        2 => "joining",
        3 => "active",
        4 => "shutting down",
        5 => "stopping",
        6 => "dead",
        _ => "unknown",
    };

    protected override TranscriptStoreException Describe(DbException exception)
    {
        var transient = exception switch
        {
            PostgresException postgres => postgres.IsTransient || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("53", StringComparison.Ordinal),
            NpgsqlException npgsql => npgsql.IsTransient,
            _ => false,
        };
        var detail = (exception.InnerException is { } inner && exception is not PostgresException ? inner.Message : exception.Message).Split('\n')[0].TrimEnd('.');
        return transient
            ? new TranscriptStoreException($"The {Description} could not be reached ({detail}).", exception, isTransient: true)
            : new TranscriptStoreException($"The {Description} refused the operation: {detail}.", exception, isTransient: false);
    }

    protected override string FullTextCondition(string message, string parameter) =>
        $"to_tsvector('simple', {SearchableText(message + ".content")}) @@ plainto_tsquery('simple', {parameter})";

    // What the full-text index holds of a message (migration 0006, the same expression, so that searches use the index):
    // its stored text with the NUL escape undone (a NUL, and a U+FFFF, read as a space between words) and cut to the first
    // 100,000 characters, which a tsvector always holds.
    private static string SearchableText(string column) =>
        $"left(replace(replace({column}, U&'\\FFFF\\FFFF', ' '), U&'\\FFFF0', ' '), 100000)";

    protected override string FullTextValue(string text) => text;

    protected override void AddCost(DbCommand command, string name, decimal? value) =>
        ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Numeric) { Value = value ?? (object)DBNull.Value });

    protected override decimal? ReadCost(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    // numeric adds exactly: a sum of costs given to 28 places (5.9999999999999999999999999999 twice) has more digits than a
    // decimal holds, and reading it threw in every list of the store. Sums are read to 12 places (a millionth of a cent's
    // millionth; a message costs at most a million dollars, so the whole part leaves a decimal room for them).
    protected override string Cost(string expression) => $"round({expression}, 12)";

    protected override void AddJson(DbCommand command, string name, string? json) =>
        ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json is null ? DBNull.Value : NulEscape.EncodeJson(json) });

    protected override string StoredText(string text) => NulEscape.Encode(text);

    protected override string ReadText(string stored) => NulEscape.Decode(stored);

    protected override string ReadJson(string stored) => NulEscape.DecodeJson(stored);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    [GeneratedRegex(@"max(imum)?\s*pool\s*size\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MaxPoolSizeKeyword();
}
