using Microsoft.Data.Sqlite;

namespace Crosstalk.Storage.Tests;

/// <summary>The store contract on a SQLite file of its own per test.</summary>
public sealed class SqliteTranscriptStoreTests : TranscriptStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crosstalk-store-tests", Guid.NewGuid().ToString("N"));

    protected override bool KeepsOffsets => true;

    private string DatabasePath => Path.Combine(_folder, "nested", "crosstalk.db");

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(DatabasePath);

    protected override Task DropDatabaseAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteRawAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Open_NewFile_UsesWalAndFullSync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        Assert.True(File.Exists(DatabasePath));
        Assert.Contains(DatabasePath, Store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_FailsWithOneClearSentence()
    {
        var path = Path.Combine(_folder, "notes.db");
        await File.WriteAllTextAsync(path, new string('x', 8192));

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => TranscriptStore.OpenAsync(path));

        Assert.StartsWith($"Could not open the SQLite database {path}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Folder_FailsNamingAFileToUse()
    {
        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => TranscriptStore.OpenAsync(_folder));

        Assert.Contains("is a folder", error.Message, StringComparison.Ordinal);
    }
}
