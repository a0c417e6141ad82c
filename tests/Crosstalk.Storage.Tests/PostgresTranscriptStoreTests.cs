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

    protected override bool KeepsOffsets => false;

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
    public async Task Open_WrongPassword_FailsWithOneSentenceWithoutThePassword()
    {
        var wrong = new NpgsqlConnectionStringBuilder(SchemaConnectionString) { Password = "not-the-password" }.ConnectionString;

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => TranscriptStore.OpenAsync(wrong));

        Assert.StartsWith("Could not open the PostgreSQL database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }
}
