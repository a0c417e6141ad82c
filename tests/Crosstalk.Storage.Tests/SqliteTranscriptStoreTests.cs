using Microsoft.Data.Sqlite;

namespace Crosstalk.Storage.Tests;

/// <summary>The store contract on a SQLite file of its own per test.</summary>
public sealed class SqliteTranscriptStoreTests : TranscriptStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crosstalk-store-tests", Guid.NewGuid().ToString("N"));

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
    public async Task SearchMessages_AppendsAfterAnEarlierSearch_FindsEveryMessageOnce()
    {
        // The full-text index catches up lazily before each text query; a second catch-up must neither miss the
        // messages appended since the first nor index the earlier ones twice.
        var first = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(first, 1, Message(1, "the harbour at dawn"));
        await Store.AppendMessageAsync(first, 2, Message(2, "nothing to see"));
        Assert.Single(await ToListAsync(Store.SearchMessagesAsync("harbour", 10)));

        await Store.AppendMessageAsync(first, 3, Message(1, "back to the harbour"));
        var second = await Store.CreateConversationAsync(null, Header("C", null, "D", null), null);
        await Store.AppendMessageAsync(second, 1, Message(1, "Harbour lights"));

        var hits = await ToListAsync(Store.SearchMessagesAsync("harbour", 10));
        Assert.Equal([(first, 1), (first, 3), (second, 1)], hits.Select(h => (h.ConversationId, h.Index)));
        Assert.Equal(2, await Store.CountConversationsAsync(new ConversationQuery { Text = "harbour" }));
        Assert.Equal([second], (await ToListAsync(Store.ListConversationsAsync(new ConversationQuery { Text = "lights" }))).Select(c => c.Id));

        await Store.AppendMessageAsync(second, 2, Message(2, "dawn again"));
        await ReopenAsync();
        Assert.Equal(2, await Store.CountConversationsAsync(new ConversationQuery { Text = "dawn" }));
    }

    [Fact]
    public async Task SearchMessages_HighestMessageDeletedAndItsIdReused_FindsTheNewTextNotTheOld()
    {
        // Without AUTOINCREMENT SQLite reuses the highest rowid after a delete, below the full-text watermark: that row
        // must be indexed at once, and the deleted one must leave the index.
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, "opening words"));
        await Store.AppendMessageAsync(id, 2, Message(2, "a quince tree"));
        Assert.Single(await ToListAsync(Store.SearchMessagesAsync("quince", 10)));
        await Store.DisposeAsync();
        await ExecuteRawAsync(
            "DELETE FROM messages WHERE id = (SELECT MAX(id) FROM messages); UPDATE conversations SET message_count = 1;");
        await ReopenAsync();

        await Store.AppendMessageAsync(id, 2, Message(2, "a walnut tree"));

        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("quince", 10)));
        Assert.Equal(2, Assert.Single(await ToListAsync(Store.SearchMessagesAsync("walnut", 10))).Index);
        Assert.Single(await ToListAsync(Store.SearchMessagesAsync("tree", 10)));
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

/// <summary>A store written by the version before the engine is upgraded in place: its plans, times and runs read as before.</summary>
public sealed class SqliteUpgradeTests
{
    [Fact]
    public async Task Open_StoreOfSchemaVersionTwo_MovesPlansAndStartTimesAndKeepsEverything()
    {
        var folder = Path.Combine(Path.GetTempPath(), "crosstalk-upgrade", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "old.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            var sql = new System.Text.StringBuilder("CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied timestamp DEFAULT CURRENT_TIMESTAMP);");
            foreach (var migration in Crosstalk.Storage.Sql.Migration.Load("Sqlite").Where(m => m.Version <= 2))
            {
                sql.Append(migration.Sql).Append(System.Globalization.CultureInfo.InvariantCulture, $";INSERT INTO schema_version (version, name) VALUES ({migration.Version}, '{migration.Name}');");
            }

            sql.Append("""
                INSERT INTO runs (id, experiment, started, metadata, spec) VALUES ('r-old', 'old', '2025-07-14T10:15:00.1234567+02:00', '{}', '{"name":"old"}');
                INSERT INTO conversations (run_id, title, started, metadata, spec) VALUES ('r-old', 'A ↔ B', '2025-07-14T10:15:00.1234567+02:00', '{}', '{"seats":[]}');
                INSERT INTO participants (conversation_id, seat, name) VALUES (1, 1, 'A'), (1, 2, 'B');
                INSERT INTO messages (conversation_id, idx, seat, speaker, content) VALUES (1, 1, 1, 'A', 'hello from before');
                UPDATE conversations SET message_count = 1;
                """);
            await using var command = connection.CreateCommand();
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }

        await using var store = await TranscriptStore.OpenAsync(path);

        Assert.Equal("""{"seats":[]}""", await store.GetConversationSpecAsync(1));
        Assert.Equal("hello from before", (await store.GetTranscriptAsync(1))!.Messages.Single().Content);
        var july = new ConversationQuery { StartedFrom = new DateTimeOffset(2025, 7, 14, 8, 15, 0, TimeSpan.Zero), StartedTo = new DateTimeOffset(2025, 7, 14, 8, 16, 0, TimeSpan.Zero) };
        Assert.Equal(1, await store.CountConversationsAsync(july));
        Assert.Equal(0, await store.CountConversationsAsync(july with { StartedFrom = july.StartedTo }));
        Assert.Equal("r-old", (await store.ListRunsAsync().SingleAsync()).Id);
        Directory.Delete(folder, recursive: true);
    }
}
