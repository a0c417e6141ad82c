using Crosstalk.Storage.Sql;
using Crosstalk.Transcripts;
using Npgsql;

namespace Crosstalk.Storage.Tests;

/// <summary>
/// The store contract on a real PostgreSQL server, in a schema of its own per test. The server comes from
/// <c>CROSSTALK_TEST_POSTGRES</c>, which <c>scripts/postgres.sh start</c> prints; without it these tests fail.
/// </summary>
public sealed class PostgresTranscriptStoreTests : TranscriptStoreContract
{
    public const string EnvironmentVariable = "CROSSTALK_TEST_POSTGRES";

    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");

    internal static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, so the PostgreSQL tests have no server: run " +
                "eval \"$(scripts/postgres.sh start)\" first (CI does).");

    private string SchemaConnectionString =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { SearchPath = _schema }.ConnectionString;

    protected override async Task<string> CreateDatabaseAsync()
    {
        await ExecuteOnServerAsync($"CREATE SCHEMA {_schema}");
        return SchemaConnectionString;
    }

    protected override Task DropDatabaseAsync() => ExecuteOnServerAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");

    protected override async Task ExecuteRawAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(SchemaConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Open_PostgresUrl_ReachesTheSameDatabase()
    {
        var builder = new NpgsqlConnectionStringBuilder(SchemaConnectionString);
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        var url = $"postgres://{Uri.EscapeDataString(builder.Username!)}:{Uri.EscapeDataString(builder.Password!)}@" +
            $"{builder.Host}:{builder.Port}/{Uri.EscapeDataString(builder.Database!)}?options=-csearch_path%3D{_schema}";

        await using var viaUrl = await TranscriptStore.OpenAsync(url);

        Assert.NotNull(await viaUrl.GetTranscriptAsync(id));
        Assert.DoesNotContain(builder.Password!, viaUrl.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_StoreOfVersionFour_KeepsEveryTimeAsTheInstantItWas()
    {
        // A store made before version 5 held its times as timestamptz (the instant, in UTC): opened by this version, each
        // reads back as the same instant, in UTC, and what is written from then on keeps its offset.
        var berlin = new DateTimeOffset(2025, 10, 26, 13, 8, 38, TimeSpan.FromHours(1)).AddTicks(1_234_560);
        var run = await Store.CreateRunAsync(new RunRecord { ExperimentName = "old", Started = berlin });
        var header = Header("A", null, "B", null);
        header.Started = berlin;
        var id = await Store.CreateConversationAsync(run, header, null);
        await Store.AppendMessageAsync(id, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Hi.", Timestamp = berlin.AddMinutes(1) });
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.EndToken, 1, 1), berlin.AddMinutes(2));
        foreach (var (table, column) in new[] { ("runs", "started"), ("conversations", "started"), ("conversations", "ended"), ("messages", "completed_at") })
        {
            await ExecuteRawAsync($"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamptz USING {column}::timestamptz");
        }

        await ExecuteRawAsync("DELETE FROM schema_version WHERE version >= 5");
        await ReopenAsync();

        var read = (await Store.GetTranscriptAsync(id))!;
        Assert.Equal(berlin.ToUniversalTime(), read.Started);
        Assert.Equal(TimeSpan.Zero, read.Started!.Value.Offset);
        Assert.Equal(berlin.AddMinutes(1).ToUniversalTime(), read.Messages[0].Timestamp);
        Assert.Equal(berlin.AddMinutes(2).ToUniversalTime(), read.Ended);
        Assert.Equal(berlin.ToUniversalTime(), (await Store.GetRunAsync(run))!.Started);
        Assert.Equal(7, await ((SqlTranscriptStore)Store).GetSchemaVersionAsync());

        var later = await Store.CreateConversationAsync(run, header, null);
        Assert.Equal(TimeSpan.FromHours(1), (await Store.GetTranscriptAsync(later))!.Started!.Value.Offset);
    }

    [Fact]
    public async Task Open_WrongPassword_FailsWithOneSentenceWithoutThePassword()
    {
        var wrong = new NpgsqlConnectionStringBuilder(SchemaConnectionString) { Password = "not-the-password" }.ConnectionString;

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => TranscriptStore.OpenAsync(wrong));

        Assert.StartsWith("Could not open the PostgreSQL database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }
}
