using Npgsql;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// A fresh store for a process test, of either kind a user has: a SQLite file in the test's folder, or a schema of its own
/// on the loopback PostgreSQL server that <c>scripts/postgres.sh start</c> runs (<c>CROSSTALK_TEST_POSTGRES</c>; without it
/// the PostgreSQL cases fail, as they must in CI).
/// </summary>
internal static class TestDatabases
{
    public static async Task<string> CreateAsync(string kind, string folder)
    {
        if (kind == "sqlite")
        {
            return Path.Combine(folder, "store.db");
        }

        var server = Environment.GetEnvironmentVariable("CROSSTALK_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("CROSSTALK_TEST_POSTGRES is not set: run eval \"$(scripts/postgres.sh start)\" first (the test script does).");
        var schema = "cli_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
    }
}
