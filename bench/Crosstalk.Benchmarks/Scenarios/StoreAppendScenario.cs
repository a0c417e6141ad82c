using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Durable appends per second: the store (SQLite, and PostgreSQL when <c>CROSSTALK_TEST_POSTGRES</c> is set) with one
/// writer and with several conversations appending at once, against a baseline in the same run: a raw INSERT of the
/// same row in its own committed transaction, with the same durability settings and no store logic.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- store-append [--appends 2000] [--writers 8] [--rounds 3] [--folder /path]</c>.
/// </remarks>
internal static class StoreAppendScenario
{
    private const string PostgresVariable = "CROSSTALK_TEST_POSTGRES";

    private const string PlainTable =
        "CREATE TABLE plain (id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL, idx INTEGER NOT NULL, seat INTEGER NOT NULL, " +
        "speaker TEXT NOT NULL, content TEXT NOT NULL, completed_at TEXT, input_tokens INTEGER, output_tokens INTEGER, cost TEXT, " +
        "latency_ms REAL, ttft_ms REAL, finish_reason TEXT, UNIQUE (conversation_id, idx))";

    private const string PlainInsert =
        "INSERT INTO plain (conversation_id, idx, seat, speaker, content, completed_at, input_tokens, output_tokens, cost, latency_ms, ttft_ms, finish_reason) " +
        "VALUES (@c, @i, @s, @sp, @content, @at, @in, @out, @cost, @lat, @ttft, @finish)";

    private static readonly string Reply = string.Concat(Enumerable.Repeat("The lighthouse keeps its light for ships it never sees. ", 11));

    public static async Task<int> RunAsync(string[] args)
    {
        var appends = Options.Int(args, "--appends", 2000);
        var writers = Options.Int(args, "--writers", 8);
        var rounds = Options.Int(args, "--rounds", 3);
        var folder = Path.Combine(Options.Text(args, "--folder") ?? Path.GetTempPath(), "crosstalk-store-append-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        var results = new Dictionary<string, List<double>>();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var cases = new List<(string Name, Func<string, Task<double>> Run)>
                {
                    ($"sqlite raw INSERT, synchronous=FULL, 1 writer", dir => SqliteRawAsync(dir, "FULL", appends, 1)),
                    ($"sqlite raw INSERT, synchronous=FULL, {writers} writers", dir => SqliteRawAsync(dir, "FULL", appends, writers)),
                    ($"sqlite raw INSERT, synchronous=NORMAL, 1 writer", dir => SqliteRawAsync(dir, "NORMAL", appends, 1)),
                    ($"sqlite raw, store schema (lazy full-text, indexes), its 3 statements, FULL, 1 writer", dir => SqliteStoreSchemaAsync(dir, "FULL", appends, totals: true)),
                    ($"sqlite raw, store schema, INSERT only, FULL, 1 writer", dir => SqliteStoreSchemaAsync(dir, "FULL", appends, totals: false)),
                    ($"sqlite raw, store schema with the v1 eager FTS trigger, INSERT only, FULL, 1 writer", dir => SqliteStoreSchemaAsync(dir, "FULL", appends, totals: false, eagerFullText: true)),
                    ($"sqlite raw, store schema, its 3 statements, NORMAL, 1 writer", dir => SqliteStoreSchemaAsync(dir, "NORMAL", appends, totals: true)),
                    ($"sqlite store, 1 writer", dir => StoreAsync(Path.Combine(dir, "store.db"), appends, 1)),
                    ($"sqlite store, 1 writer, then one search (full-text catch-up counted)", dir => StoreAsync(Path.Combine(dir, "store.db"), appends, 1, search: true)),
                    ($"sqlite store with the v1 eager FTS trigger, 1 writer", dir => StoreAsync(Path.Combine(dir, "store.db"), appends, 1, eagerFullText: true)),
                    ($"sqlite store, {writers} writers", dir => StoreAsync(Path.Combine(dir, "store.db"), appends, writers)),
                };
                if (!string.IsNullOrEmpty(postgres))
                {
                    cases.Add(($"postgres raw INSERT, 1 writer", _ => PostgresRawAsync(postgres, appends, 1)));
                    cases.Add(($"postgres raw INSERT, {writers} writers", _ => PostgresRawAsync(postgres, appends, writers)));
                    cases.Add(($"postgres store, 1 writer", _ => PostgresStoreAsync(postgres, appends, 1)));
                    cases.Add(($"postgres store, {writers} writers", _ => PostgresStoreAsync(postgres, appends, writers)));
                }

                foreach (var (name, run) in cases)
                {
                    var dir = Path.Combine(folder, Guid.NewGuid().ToString("N")[..8]);
                    Directory.CreateDirectory(dir);
                    var perSecond = await run(dir);
                    Directory.Delete(dir, recursive: true);
                    (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(perSecond);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {name}: {perSecond:0} appends/s"));
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{appends} appends per case, median of {rounds} rounds:"));
        foreach (var (name, list) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Options.Median(list):N0} |"));
        }

        return 0;
    }

    /// <summary>The message both store-append measurements write: a realistic reply with usage and timing.</summary>
    internal static TranscriptMessage Message(int index) => new()
    {
        Seat = index % 2 == 1 ? 1 : 2,
        Speaker = index % 2 == 1 ? "A" : "B",
        Content = Reply,
        Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(index),
        Usage = new TokenUsage(1200 + index, 150),
        Cost = 0.00042m,
        Latency = TimeSpan.FromMilliseconds(900),
        TimeToFirstToken = TimeSpan.FromMilliseconds(240),
        FinishReason = "stop",
    };

    // Puts back version 1's trigger that indexed every message inside its append transaction (before/after in one run).
    private const string EagerFullTextTrigger =
        "DROP TRIGGER messages_fts_insert; CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN " +
        "INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;";

    private static async Task<double> StoreAsync(string db, int appends, int writers, bool eagerFullText = false, bool search = false)
    {
        if (eagerFullText)
        {
            await (await TranscriptStore.OpenAsync(db)).DisposeAsync();
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = EagerFullTextTrigger;
            await command.ExecuteNonQueryAsync();
        }

        await using var store = await TranscriptStore.OpenAsync(db);
        var clock = Stopwatch.StartNew();
        var perSecond = await AppendThroughStoreAsync(store, appends, writers);
        if (!search)
        {
            return perSecond;
        }

        var hits = 0;
        await foreach (var _ in store.SearchMessagesAsync("lighthouse", appends + 1))
        {
            hits++;
        }

        if (hits != appends / writers * writers)
        {
            throw new InvalidOperationException($"The search found {hits} messages, not {appends}.");
        }

        return appends / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> PostgresStoreAsync(string server, int appends, int writers)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N");
        await ExecutePostgresAsync(server, $"CREATE SCHEMA {schema}");
        try
        {
            await using var store = await TranscriptStore.OpenAsync(new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString);
            return await AppendThroughStoreAsync(store, appends, writers);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecutePostgresAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static async Task<double> AppendThroughStoreAsync(ITranscriptStore store, int appends, int writers)
    {
        var ids = new long[writers];
        for (var w = 0; w < writers; w++)
        {
            var header = new Transcript { Participants = [new Participant(1, "A", "m:a"), new Participant(2, "B", "m:b")] };
            ids[w] = await store.CreateConversationAsync(null, header, null);
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= appends / writers; i++)
            {
                await store.AppendMessageAsync(ids[w], i, Message(i));
            }
        })));
        return appends / writers * writers / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> SqliteRawAsync(string dir, string synchronous, int appends, int writers)
    {
        var path = Path.Combine(dir, "raw.db");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 30000; {PlainTable}";
            await setup.ExecuteNonQueryAsync();
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = PlainInsert;
        using var gate = new SemaphoreSlim(1, 1);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= appends / writers; i++)
            {
                // One connection, one writer at a time: what SQLite allows, and what the store does.
                await gate.WaitAsync();
                try
                {
                    await using var transaction = connection.BeginTransaction(deferred: false);
                    insert.Transaction = transaction;
                    insert.Parameters.Clear();
                    AddPlain(insert, w, i, Message(i));
                    await insert.ExecuteNonQueryAsync();
                    await transaction.CommitAsync();
                }
                finally
                {
                    gate.Release();
                }
            }
        })));
        return appends / writers * writers / clock.Elapsed.TotalSeconds;
    }

    // The store's own tables and statements (select the count, insert the message, update the totals), without the
    // store's code around them: splits the store's cost into schema (full-text trigger, indexes) and code.
    private static async Task<double> SqliteStoreSchemaAsync(string dir, string synchronous, int appends, bool totals, bool eagerFullText = false)
    {
        var path = Path.Combine(dir, "schema.db");
        long id;
        await using (var store = await TranscriptStore.OpenAsync(path))
        {
            id = await store.CreateConversationAsync(null, new Transcript { Participants = [new Participant(1, "A", "m:a"), new Participant(2, "B", "m:b")] }, null);
        }

        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, ForeignKeys = true }.ToString());
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 30000;" + (eagerFullText ? EagerFullTextTrigger : "");
            await setup.ExecuteNonQueryAsync();
        }

        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT message_count FROM conversations WHERE id = @id";
        await using var insert = connection.CreateCommand();
        insert.CommandText =
            "INSERT INTO messages (conversation_id, idx, seat, speaker, content, completed_at, input_tokens, output_tokens, cost, latency_ms, ttft_ms, finish_reason) " +
            "VALUES (@c, @i, @s, @sp, @content, @at, @in, @out, @cost, @lat, @ttft, @finish)";
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE conversations SET message_count = @idx, total_tokens = total_tokens + @tokens, total_cost = COALESCE(total_cost, 0) + @cost WHERE id = @id";
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= appends; i++)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var message = Message(i);
            if (totals)
            {
                select.Transaction = transaction;
                select.Parameters.Clear();
                select.Parameters.AddWithValue("id", id);
                await select.ExecuteScalarAsync();
            }

            insert.Transaction = transaction;
            insert.Parameters.Clear();
            AddPlain(insert, (int)id, i, message);
            await insert.ExecuteNonQueryAsync();
            if (totals)
            {
                update.Transaction = transaction;
                update.Parameters.Clear();
                update.Parameters.AddWithValue("idx", i);
                update.Parameters.AddWithValue("tokens", message.Usage!.TotalTokens);
                update.Parameters.AddWithValue("cost", "0.00042");
                update.Parameters.AddWithValue("id", id);
                await update.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        return appends / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> PostgresRawAsync(string server, int appends, int writers)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N");
        await ExecutePostgresAsync(server, $"CREATE SCHEMA {schema}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand(PlainTable.Replace("id INTEGER PRIMARY KEY", "id BIGSERIAL PRIMARY KEY", StringComparison.Ordinal), connection);
                await create.ExecuteNonQueryAsync();
            }

            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var insert = new NpgsqlCommand(PlainInsert, connection);
                for (var i = 1; i <= appends / writers; i++)
                {
                    await using var transaction = await connection.BeginTransactionAsync();
                    insert.Transaction = transaction;
                    insert.Parameters.Clear();
                    AddPlain(insert, w, i, Message(i));
                    await insert.ExecuteNonQueryAsync();
                    await transaction.CommitAsync();
                }
            })));
            return appends / writers * writers / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecutePostgresAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static void AddPlain(DbCommand command, int conversation, int index, TranscriptMessage message)
    {
        void Add(string name, object? value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        Add("c", conversation);
        Add("i", index);
        Add("s", message.Seat);
        Add("sp", message.Speaker);
        Add("content", message.Content);
        Add("at", message.Timestamp?.ToString("o", CultureInfo.InvariantCulture));
        Add("in", message.Usage?.InputTokens);
        Add("out", message.Usage?.OutputTokens);
        Add("cost", message.Cost?.ToString(CultureInfo.InvariantCulture));
        Add("lat", message.Latency?.TotalMilliseconds);
        Add("ttft", message.TimeToFirstToken?.TotalMilliseconds);
        Add("finish", message.FinishReason);
    }

    private static async Task ExecutePostgresAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
