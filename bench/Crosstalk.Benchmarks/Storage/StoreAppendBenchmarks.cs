using BenchmarkDotNet.Attributes;
using Crosstalk.Benchmarks.Scenarios;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Npgsql;

namespace Crosstalk.Benchmarks.Storage;

/// <summary>
/// How many durable appends per second the store takes: each one its own committed (and, on SQLite, fsynced)
/// transaction, as a running conversation makes them. PostgreSQL runs only when <c>CROSSTALK_TEST_POSTGRES</c> is set.
/// </summary>
/// <remarks>
/// dotnet run -c Release --project bench/Crosstalk.Benchmarks -- --filter '*StoreAppendBenchmarks*' --job short
/// </remarks>
[MemoryDiagnoser]
public class StoreAppendBenchmarks
{
    private const string PostgresVariable = "CROSSTALK_TEST_POSTGRES";

    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N");
    private string _folder = "";
    private ITranscriptStore _store = null!;
    private long _conversationId;
    private int _next;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "sqlite";

    public static IEnumerable<string> Providers() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)) ? ["sqlite"] : ["sqlite", "postgres"];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string db;
        if (Provider == "postgres")
        {
            var server = Environment.GetEnvironmentVariable(PostgresVariable)!;
            await using (var connection = new NpgsqlConnection(server))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
                await command.ExecuteNonQueryAsync();
            }

            db = new NpgsqlConnectionStringBuilder(server) { SearchPath = _schema }.ConnectionString;
        }
        else
        {
            _folder = Path.Combine(Path.GetTempPath(), "crosstalk-bench", Guid.NewGuid().ToString("N"));
            db = Path.Combine(_folder, "bench.db");
        }

        _store = await TranscriptStore.OpenAsync(db);
        var header = new Transcript { Participants = [new Participant(1, "A", "m:a"), new Participant(2, "B", "m:b")] };
        _conversationId = await _store.CreateConversationAsync(null, header, null);
        _next = 1;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        if (Provider == "postgres")
        {
            await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PostgresVariable));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
        else if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>One durable append of a typical reply (about 600 characters, usage, cost, timing).</summary>
    [Benchmark]
    public Task AppendMessageAsync()
    {
        var index = _next++;
        return _store.AppendMessageAsync(_conversationId, index, StoreAppendScenario.Message(index));
    }

}
