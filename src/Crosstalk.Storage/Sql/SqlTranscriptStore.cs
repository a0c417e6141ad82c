using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Sql;

/// <summary>
/// The store over ADO.NET, shared by SQLite and PostgreSQL. Subclasses supply connections, transactions, the few
/// SQL fragments that differ, and how times, costs and JSON are bound. All values travel as parameters.
/// </summary>
internal abstract partial class SqlTranscriptStore : ITranscriptStore
{
    /// <summary>How many conversations <see cref="ReadTranscriptsAsync"/> lists before loading them one by one.</summary>
    private const int TranscriptBatchSize = 256;

    // COALESCE: with no stop reason, "= 'interrupted'" is NULL, not false, and a conversation that ended without a
    // recorded reason (an imported seed) counted as neither finished nor unfinished.
    protected const string Unfinished = "((c.ended IS NULL AND c.stop_reason IS NULL) OR COALESCE(c.stop_reason, '') = 'interrupted')";

    private const string MessageColumns =
        "idx, seat, speaker, content, completed_at, input_tokens, output_tokens, reasoning_tokens, estimated, cost, " +
        "latency_ms, ttft_ms, finish_reason, reasoning, sent_as, attempts";

    private string SummaryColumns =>
        $"c.id, c.run_id, c.title, c.started, c.ended, c.message_count, c.stop_reason, c.total_tokens, {Cost("c.total_cost")}, c.stop_detail";

    private const string InsertMessageSql =
        "INSERT INTO messages (conversation_id, " + MessageColumns + ") VALUES (@conversation, @idx, @seat, @speaker, @content, " +
        "@completed, @input, @output, @reasoningTokens, @estimated, @cost, @latency, @ttft, @finish, @reasoning, @sentAs, @attempts)";

    private const string UpdateTotalsSql =
        "UPDATE conversations SET message_count = @idx, total_tokens = total_tokens + @tokens WHERE id = @id";

    private const string UpdateTotalsWithCostSql =
        "UPDATE conversations SET message_count = @idx, total_tokens = total_tokens + @tokens, " +
        "total_cost = COALESCE(total_cost, 0) + @cost WHERE id = @id";

    private const string SelectMessageSql =
        "SELECT " + MessageColumns + " FROM messages WHERE conversation_id = @id AND idx = @idx";

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <summary>The folder under Migrations/ that holds this provider's scripts.</summary>
    protected abstract string MigrationFolder { get; }

    /// <summary>The case-insensitive LIKE operator.</summary>
    protected abstract string LikeOperator { get; }

    /// <summary>Appended to a single-row SELECT in a write transaction to lock the row, where the database needs it.</summary>
    protected abstract string ForUpdate { get; }

    /// <summary>An expression giving a conversation's participants (alias <c>c</c>) as a JSON array of seat, name, model.</summary>
    protected abstract string ParticipantsJson { get; }

    /// <summary>A condition true when message alias <paramref name="message"/> matches full-text parameter <paramref name="parameter"/>.</summary>
    protected abstract string FullTextCondition(string message, string parameter);

    /// <summary>The value bound to the full-text parameter for what the user typed.</summary>
    protected abstract string FullTextValue(string text);

    protected abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it.</summary>
    protected abstract Task<T> InWriteTransactionAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Takes a lock that keeps two processes from migrating at once, inside the migration transaction.</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>A command for a statement run on every append; a provider may hand out a prepared, reused one.</summary>
    protected virtual DbCommand HotCommand(DbConnection connection, DbTransaction transaction, string sql) =>
        Command(connection, transaction, sql);

    /// <summary>
    /// Brings the full-text index up to date before a query that uses it, for a provider that indexes lazily instead of
    /// in every append's transaction.
    /// </summary>
    protected virtual Task CatchUpFullTextAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Gives back a command from <see cref="HotCommand"/>.</summary>
    protected virtual ValueTask ReleaseHotCommandAsync(DbCommand command) => command.DisposeAsync();

    /// <summary>
    /// A time a transcript carries, as text with its UTC offset (round-trip format): both stores give back the offset it
    /// was written with, so a transcript read in one time zone is written back with the same wall-clock times. Sorting and
    /// filtering use the <c>*_ms</c> columns beside these.
    /// </summary>
    protected static void AddTime(DbCommand command, string name, DateTimeOffset? value) =>
        Add(command, name, value?.ToString("o", CultureInfo.InvariantCulture), DbType.String);

    /// <summary>A time written by <see cref="AddTime"/> (one without an offset, from a PostgreSQL store before version 5, is UTC).</summary>
    protected static DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    protected abstract void AddCost(DbCommand command, string name, decimal? value);

    protected abstract decimal? ReadCost(DbDataReader reader, int ordinal);

    /// <summary>
    /// A cost, or a sum of costs, as it is read: as it is, unless the database adds more exactly than a decimal holds.
    /// </summary>
    protected virtual string Cost(string expression) => expression;

    protected abstract void AddJson(DbCommand command, string name, string? json);

    public abstract ValueTask DisposeAsync();

    /// <summary>Brings the schema to the newest version this code knows, in one transaction.</summary>
    protected async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = Migration.Load(MigrationFolder);
        var latest = migrations[^1].Version;
        await InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                await LockSchemaAsync(connection, transaction, token);
                await ExecuteAsync(
                    connection,
                    transaction,
                    "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, " +
                    "applied timestamp DEFAULT CURRENT_TIMESTAMP)",
                    token);
                await using var versionCommand = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
                var current = Convert.ToInt32(await versionCommand.ExecuteScalarAsync(token), CultureInfo.InvariantCulture);
                if (current > latest)
                {
                    throw new TranscriptStoreException(
                        $"The {Description} has schema version {current}, but this Crosstalk knows only up to version {latest}; " +
                        "open it with a newer Crosstalk.");
                }

                foreach (var migration in migrations.Where(m => m.Version > current))
                {
                    await ExecuteAsync(connection, transaction, migration.Sql, token);
                    await using var record = Command(connection, transaction, "INSERT INTO schema_version (version, name) VALUES (@version, @name)");
                    AddInt32(record, "version", migration.Version);
                    AddText(record, "name", migration.Name);
                    await record.ExecuteNonQueryAsync(token);
                }

                return current;
            },
            cancellationToken);
    }

    /// <summary>The schema version the database is at.</summary>
    internal async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task<string> CreateRunCoreAsync(RunRecord run, IReadOnlyList<NewConversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.ExperimentName, nameof(run));
        var prepared = conversations.Select(Prepare).ToList();
        var generate = string.IsNullOrWhiteSpace(run.Id);
        for (var attempt = 0; ; attempt++)
        {
            var id = generate ? RunIds.New(run.Started) : run.Id.Trim();
            var inserted = await InWriteTransactionAsync(
                async (connection, transaction, token) =>
                {
                    await using (var command = Command(
                        connection,
                        transaction,
                        "INSERT INTO runs (id, experiment, started, started_ms, metadata, spec) VALUES (@id, @experiment, @started, @startedMs, @metadata, @spec) " +
                        "ON CONFLICT (id) DO NOTHING"))
                    {
                        AddText(command, "id", id);
                        AddText(command, "experiment", run.ExperimentName);
                        AddTime(command, "started", run.Started);
                        AddInt64(command, "startedMs", run.Started.ToUnixTimeMilliseconds());
                        AddJson(command, "metadata", StoreJson.WriteMetadata(run.Metadata));
                        AddText(command, "spec", run.SpecJson);
                        if (await command.ExecuteNonQueryAsync(token) != 1)
                        {
                            return false;
                        }
                    }

                    foreach (var conversation in prepared)
                    {
                        await InsertConversationAsync(connection, transaction, id, conversation, token);
                    }

                    return true;
                },
                cancellationToken);
            if (inserted)
            {
                return id;
            }

            if (!generate || attempt >= 8)
            {
                throw new TranscriptStoreException($"The {Description} already has a run with id {id}.");
            }
        }
    }

    private async Task<RunRecord?> GetRunCoreAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, experiment, started, metadata, spec FROM runs WHERE id = @id");
        AddText(command, "id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new RunRecord
        {
            Id = GetText(reader, 0),
            ExperimentName = GetText(reader, 1),
            Started = ReadTime(reader, 2)!.Value,
            Metadata = StoreJson.ReadMetadata(GetJson(reader, 3)),
            SpecJson = GetString(reader, 4),
        };
    }

    private async Task<IReadOnlyList<long>> CreateConversationsCoreAsync(string? runId, IReadOnlyList<NewConversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var prepared = conversations.Select(Prepare).ToList();
        return await InWriteTransactionAsync<IReadOnlyList<long>>(
            async (connection, transaction, token) =>
            {
                if (runId is not null && !await ExistsAsync(connection, transaction, "SELECT 1 FROM runs WHERE id = @id", runId, token))
                {
                    throw new TranscriptStoreException($"The {Description} has no run with id {runId}.");
                }

                var ids = new List<long>(prepared.Count);
                foreach (var conversation in prepared)
                {
                    ids.Add(await InsertConversationAsync(connection, transaction, runId, conversation, token));
                }

                return ids;
            },
            cancellationToken);
    }

    /// <summary>A conversation to insert, checked and with the values the store keeps in columns taken from its metadata.</summary>
    private sealed record PreparedConversation(Transcript Header, string? SpecJson, string Title, long? ParentId, long? ForkedAt, string? ContentHash, string? ImportedFile, AnalysisRecord? Analysis);

    private static PreparedConversation Prepare(NewConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var header = conversation.Header;
        ArgumentNullException.ThrowIfNull(header);
        ValidateParticipants(header.Participants);
        if (StoreLimits.Problem(header) is { } tooLong)
        {
            throw new ArgumentException($"The conversation cannot be stored: {tooLong}.", nameof(conversation));
        }

        for (var i = 0; i < header.Messages.Count; i++)
        {
            ValidateMessage(header.Messages[i], i + 1);
        }

        if (conversation.Analysis is { } analysis)
        {
            ValidateAnalysis(analysis);
            if (analysis.MessageCount != header.Messages.Count)
            {
                throw new ArgumentException(
                    $"An analysis kept with a new conversation must have seen its {header.Messages.Count} messages, not {analysis.MessageCount}.", nameof(conversation));
            }
        }

        header.Metadata.TryGetValue(StoreMetadataKeys.ContentHash, out var contentHash);
        header.Metadata.TryGetValue(StoreMetadataKeys.ImportedFile, out var importedFile);
        return new PreparedConversation(
            header,
            conversation.SpecJson,
            string.IsNullOrEmpty(header.Title) ? Transcript.TitleFor(header.Participants) : header.Title,
            ParseMetadataNumber(header.Metadata, StoreMetadataKeys.ParentId),
            ParseMetadataNumber(header.Metadata, StoreMetadataKeys.ForkedAt),
            contentHash,
            importedFile,
            conversation.Analysis);
    }

    private static void ValidateAnalysis(AnalysisRecord analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(analysis.Facts, nameof(analysis));
        ArgumentNullException.ThrowIfNull(analysis.Json, nameof(analysis));
    }

    private async Task<long> InsertConversationAsync(DbConnection connection, DbTransaction transaction, string? runId, PreparedConversation conversation, CancellationToken token)
    {
        var header = conversation.Header;
        if (conversation.ParentId is { } parent && !await ExistsAsync(connection, transaction, "SELECT 1 FROM conversations WHERE id = @id", parent, token))
        {
            throw new TranscriptStoreException($"The {Description} has no conversation {parent} to fork from.");
        }

        long id;
        var insert = HotCommand(
            connection,
            transaction,
            "INSERT INTO conversations (run_id, title, started, started_ms, parent_id, forked_at, metadata, content_hash, imported_file) " +
            "VALUES (@run, @title, @started, @startedMs, @parent, @forkedAt, @metadata, @contentHash, @importedFile) RETURNING id");
        try
        {
            AddText(insert, "run", runId);
            AddText(insert, "title", conversation.Title);
            AddTime(insert, "started", header.Started);
            AddInt64(insert, "startedMs", header.Started?.ToUnixTimeMilliseconds());
            AddInt64(insert, "parent", conversation.ParentId);
            AddInt32(insert, "forkedAt", conversation.ForkedAt is { } f ? checked((int)f) : null);
            AddJson(insert, "metadata", StoreJson.WriteMetadata(header.Metadata));
            AddText(insert, "contentHash", conversation.ContentHash);
            AddText(insert, "importedFile", conversation.ImportedFile);
            id = Convert.ToInt64(await insert.ExecuteScalarAsync(token), CultureInfo.InvariantCulture);
        }
        finally
        {
            await ReleaseHotCommandAsync(insert);
        }

        if (conversation.SpecJson is { } spec)
        {
            var plan = HotCommand(connection, transaction, "INSERT INTO plans (conversation_id, spec) VALUES (@id, @spec)");
            try
            {
                AddInt64(plan, "id", id);
                AddText(plan, "spec", spec);
                await plan.ExecuteNonQueryAsync(token);
            }
            finally
            {
                await ReleaseHotCommandAsync(plan);
            }
        }

        foreach (var participant in header.Participants)
        {
            var command = HotCommand(
                connection,
                transaction,
                "INSERT INTO participants (conversation_id, seat, name, model, system_prompt) VALUES (@id, @seat, @name, @model, @prompt)");
            try
            {
                AddInt64(command, "id", id);
                AddInt32(command, "seat", participant.Seat);
                AddText(command, "name", participant.Name);
                AddText(command, "model", participant.Model);
                AddText(command, "prompt", participant.SystemPrompt);
                await command.ExecuteNonQueryAsync(token);
            }
            finally
            {
                await ReleaseHotCommandAsync(command);
            }
        }

        for (var i = 0; i < header.Messages.Count; i++)
        {
            await AppendInTransactionAsync(connection, transaction, id, i + 1, header.Messages[i], token);
        }

        if (header.Stop is not null || header.Ended is not null)
        {
            await WriteStopAsync(connection, transaction, id, header.Stop, header.Ended, token);
        }

        if (conversation.Analysis is { } analysis)
        {
            await WriteAnalysisAsync(connection, transaction, id, analysis, replace: false, token);
        }

        return id;
    }

    private Task AppendMessageCoreAsync(long conversationId, int index, TranscriptMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ValidateMessage(message, index);
        return InWriteTransactionAsync(
            (connection, transaction, token) => AppendInTransactionAsync(connection, transaction, conversationId, index, message, token),
            cancellationToken);
    }

    private Task CompleteConversationCoreAsync(long conversationId, StopInfo stop, DateTimeOffset ended, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stop);
        ArgumentException.ThrowIfNullOrWhiteSpace(stop.Reason, nameof(stop));
        return InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                var command = HotCommand(
                    connection,
                    transaction,
                    "SELECT ended, stop_reason, stop_seat, stop_message, stop_detail, stop_attempts FROM conversations WHERE id = @id" + ForUpdate);
                StopInfo? previous;
                DateTimeOffset? previousEnded;
                try
                {
                    AddInt64(command, "id", conversationId);
                    await using var reader = await command.ExecuteReaderAsync(token);
                    if (!await reader.ReadAsync(token))
                    {
                        throw NoConversation(conversationId);
                    }

                    previousEnded = ReadTime(reader, 0);
                    previous = reader.IsDBNull(1)
                        ? null
                        : new StopInfo(GetText(reader, 1), GetInt32(reader, 2), GetInt32(reader, 3), GetString(reader, 4))
                        {
                            Attempts = StoreJson.ReadAttempts(GetJson(reader, 5)),
                        };
                }
                finally
                {
                    await ReleaseHotCommandAsync(command);
                }

                if (previous is not null && previous.Reason != StopReasons.Interrupted)
                {
                    if (previous == stop && previousEnded is { } at && at.UtcTicks / 10 == ended.UtcTicks / 10)
                    {
                        return false;
                    }

                    throw new TranscriptStoreException(
                        $"Conversation {conversationId} already ended ({previous.Reason}); a finished conversation's stop is never rewritten.");
                }

                await WriteStopAsync(connection, transaction, conversationId, stop, ended, token);
                return true;
            },
            cancellationToken);
    }

    private Task SetConversationMetadataCoreAsync(long conversationId, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                SortedDictionary<string, string> metadata;
                await using (var read = Command(connection, transaction, "SELECT metadata FROM conversations WHERE id = @id" + ForUpdate))
                {
                    AddInt64(read, "id", conversationId);
                    await using var reader = await read.ExecuteReaderAsync(token);
                    if (!await reader.ReadAsync(token))
                    {
                        throw NoConversation(conversationId);
                    }

                    metadata = StoreJson.ReadMetadata(GetJson(reader, 0));
                }

                metadata[key] = value;
                await using var write = Command(connection, transaction, "UPDATE conversations SET metadata = @metadata WHERE id = @id");
                AddInt64(write, "id", conversationId);
                AddJson(write, "metadata", StoreJson.WriteMetadata(metadata));
                await write.ExecuteNonQueryAsync(token);
                return true;
            },
            cancellationToken);
    }

    private async Task<Transcript?> GetTranscriptCoreAsync(long conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await ReadTranscriptAsync(connection, conversationId, cancellationToken);
    }

    private async Task<string?> GetConversationSpecCoreAsync(long conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT spec FROM plans WHERE conversation_id = @id");
        AddInt64(command, "id", conversationId);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is string spec ? spec : null;
    }

    private async IAsyncEnumerable<ConversationSummary> ListConversationsCoreAsync(
        ConversationQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidateQuery(query);
        await PrepareTextQueryAsync(query.Text, cancellationToken);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = BuildWhere(command, query, after: null);
        command.CommandText =
            $"SELECT {SummaryColumns}, {ParticipantsJson} FROM conversations c{where} " +
            $"ORDER BY c.id{(query.Descending ? " DESC" : "")} LIMIT @limit OFFSET @offset";
        AddInt64(command, "limit", query.Limit ?? long.MaxValue);
        AddInt64(command, "offset", query.Offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ConversationSummary(
                Id: reader.GetInt64(0),
                RunId: GetString(reader, 1),
                Title: GetText(reader, 2),
                Participants: StoreJson.ReadParticipants(GetJson(reader, 10)),
                Started: ReadTime(reader, 3),
                Ended: ReadTime(reader, 4),
                MessageCount: reader.GetInt32(5),
                StopReason: GetString(reader, 6),
                TotalTokens: reader.GetInt64(7),
                TotalCost: ReadCost(reader, 8),
                StopDetail: GetString(reader, 9));
        }
    }

    private async Task<long> CountConversationsCoreAsync(ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidateQuery(query);
        await PrepareTextQueryAsync(query.Text, cancellationToken);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        command.CommandText = "SELECT COUNT(*) FROM conversations c" + BuildWhere(command, query, after: null);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async IAsyncEnumerable<Transcript> ReadTranscriptsCoreAsync(
        ConversationQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ValidateQuery(query);
        await PrepareTextQueryAsync(query.Text, cancellationToken);
        long? after = null;
        var offset = query.Offset;
        var remaining = query.Limit ?? long.MaxValue;
        while (remaining > 0)
        {
            // Ids a batch at a time (keyset, not OFFSET, after the first), then each transcript on its own: memory stays
            // at one batch of ids and one transcript, and no reader is held open while the caller works.
            var want = (int)Math.Min(TranscriptBatchSize, remaining);
            var ids = new List<long>(want);
            await using (var connection = await OpenReadConnectionAsync(cancellationToken))
            {
                await using (var command = Command(connection, null, ""))
                {
                    var where = BuildWhere(command, query, after);
                    command.CommandText =
                        $"SELECT c.id FROM conversations c{where} ORDER BY c.id{(query.Descending ? " DESC" : "")} LIMIT @limit OFFSET @offset";
                    AddInt64(command, "limit", want);
                    AddInt64(command, "offset", offset);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }

                foreach (var id in ids)
                {
                    var transcript = await ReadTranscriptAsync(connection, id, cancellationToken);
                    if (transcript is not null)
                    {
                        yield return transcript;
                    }
                }
            }

            if (ids.Count < want)
            {
                yield break;
            }

            offset = 0;
            after = ids[^1];
            remaining -= ids.Count;
        }
    }

    private async IAsyncEnumerable<MessageHit> SearchMessagesCoreAsync(
        string text, int limit, int skip = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        text = SearchText.Clean(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        await PrepareTextQueryAsync(text, cancellationToken);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        command.CommandText =
            "SELECT m.conversation_id, c.title, m.idx, m.seat, m.speaker, m.content, m.completed_at " +
            "FROM messages m JOIN conversations c ON c.id = m.conversation_id " +
            $"WHERE {TextCondition(command, "m", "text", text)} ORDER BY m.conversation_id, m.idx LIMIT @limit OFFSET @skip";
        AddInt64(command, "limit", limit);
        AddInt64(command, "skip", skip);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var content = GetText(reader, 5);
            yield return new MessageHit(
                ConversationId: reader.GetInt64(0),
                ConversationTitle: GetText(reader, 1),
                Index: reader.GetInt32(2),
                Seat: reader.GetInt32(3),
                Speaker: GetText(reader, 4),
                Snippet: SearchText.Snippet(content, text),
                Content: content,
                Timestamp: ReadTime(reader, 6));
        }
    }

    private async IAsyncEnumerable<RunSummary> ListRunsCoreAsync(string? runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT r.id, r.experiment, r.started, COUNT(c.id), " +
            $"COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND NOT {Unfinished} THEN 1 ELSE 0 END), 0), " +
            $"COALESCE(SUM(c.message_count), 0), COALESCE(SUM(c.total_tokens), 0), {Cost("SUM(c.total_cost)")} " +
            "FROM runs r LEFT JOIN conversations c ON c.run_id = r.id " +
            (runId is null ? "" : "WHERE r.id = @run ") +
            "GROUP BY r.id, r.experiment, r.started, r.started_ms ORDER BY r.started_ms, r.id");
        if (runId is not null)
        {
            AddText(command, "run", runId);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new RunSummary(
                Id: GetText(reader, 0),
                ExperimentName: GetText(reader, 1),
                Started: ReadTime(reader, 2)!.Value,
                Conversations: Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture),
                Finished: Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture),
                Messages: Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture),
                TotalTokens: Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture),
                TotalCost: ReadCost(reader, 7));
        }
    }

    private async Task<IReadOnlyList<long>> GetUnfinishedConversationsCoreAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection, null, $"SELECT c.id FROM conversations c WHERE c.run_id = @run AND {Unfinished} ORDER BY c.id");
        AddText(command, "run", runId);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private Task<IReadOnlyList<long>> ReopenFailedConversationsCoreAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return InWriteTransactionAsync<IReadOnlyList<long>>(
            async (connection, transaction, token) =>
            {
                var ids = new List<long>();
                await using (var select = Command(
                    connection, transaction, $"SELECT c.id FROM conversations c WHERE c.run_id = @run AND c.stop_reason = '{StopReasons.Error}' ORDER BY c.id" + ForUpdate))
                {
                    AddText(select, "run", runId);
                    await using var reader = await select.ExecuteReaderAsync(token);
                    while (await reader.ReadAsync(token))
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }

                await using var update = Command(
                    connection,
                    transaction,
                    "UPDATE conversations SET ended = NULL, stop_reason = NULL, stop_seat = NULL, stop_message = NULL, stop_detail = NULL, stop_attempts = NULL " +
                    $"WHERE run_id = @run AND stop_reason = '{StopReasons.Error}'");
                AddText(update, "run", runId);
                await update.ExecuteNonQueryAsync(token);
                return ids;
            },
            cancellationToken);
    }

    private async Task<bool> AppendInTransactionAsync(
        DbConnection connection, DbTransaction transaction, long conversationId, int index, TranscriptMessage message, CancellationToken cancellationToken)
    {
        int count;
        var select = HotCommand(connection, transaction, "SELECT message_count FROM conversations WHERE id = @id" + ForUpdate);
        try
        {
            AddInt64(select, "id", conversationId);
            var value = await select.ExecuteScalarAsync(cancellationToken);
            if (value is null or DBNull)
            {
                throw NoConversation(conversationId);
            }

            count = Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }
        finally
        {
            await ReleaseHotCommandAsync(select);
        }

        if (index <= count)
        {
            var stored = await ReadStoredMessageAsync(connection, transaction, conversationId, index, cancellationToken)
                ?? throw new TranscriptStoreException(
                    $"Conversation {conversationId} in the {Description} counts {count} messages but message {index} is missing.");
            if (MessageEquivalence.Same(stored, message))
            {
                return false;
            }

            throw new TranscriptStoreException(
                $"Conversation {conversationId} already has a different message {index} (its {MessageEquivalence.FirstDifference(stored, message)} differs); " +
                "a stored message is never replaced.");
        }

        if (index != count + 1)
        {
            throw new TranscriptStoreException(
                $"Conversation {conversationId} has {count} messages, so the next one is number {count + 1}, not {index}.");
        }

        var insert = HotCommand(connection, transaction, InsertMessageSql);
        try
        {
            AddInt64(insert, "conversation", conversationId);
            AddInt32(insert, "idx", index);
            AddInt32(insert, "seat", message.Seat);
            AddText(insert, "speaker", message.Speaker);
            AddText(insert, "content", message.Content);
            AddTime(insert, "completed", message.Timestamp);
            AddInt64(insert, "input", message.Usage?.InputTokens);
            AddInt64(insert, "output", message.Usage?.OutputTokens);
            AddInt64(insert, "reasoningTokens", message.Usage?.ReasoningTokens);
            AddBoolean(insert, "estimated", message.Usage?.Estimated);
            AddCost(insert, "cost", message.Cost);
            AddDouble(insert, "latency", ToMilliseconds(message.Latency));
            AddDouble(insert, "ttft", ToMilliseconds(message.TimeToFirstToken));
            AddText(insert, "finish", message.FinishReason);
            AddText(insert, "reasoning", message.Reasoning);
            AddText(insert, "sentAs", message.SentAs);
            AddJson(insert, "attempts", StoreJson.WriteAttempts(message.Attempts));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await ReleaseHotCommandAsync(insert);
        }

        var update = HotCommand(connection, transaction, message.Cost is null ? UpdateTotalsSql : UpdateTotalsWithCostSql);
        try
        {
            AddInt32(update, "idx", index);
            AddInt64(update, "tokens", message.Usage?.TotalTokens ?? 0);
            if (message.Cost is { } cost)
            {
                AddCost(update, "cost", cost);
            }

            AddInt64(update, "id", conversationId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await ReleaseHotCommandAsync(update);
        }

        if (index == 1 && message.Timestamp is { } first)
        {
            // A conversation created before it ran (a batch plans all of its conversations first) has no start time
            // yet: its first message is when it started. One statement per conversation, not per message.
            await using var started = Command(
                connection, transaction, "UPDATE conversations SET started = @started, started_ms = @startedMs WHERE id = @id AND started IS NULL");
            AddTime(started, "started", first);
            AddInt64(started, "startedMs", first.ToUnixTimeMilliseconds());
            AddInt64(started, "id", conversationId);
            await started.ExecuteNonQueryAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Runs one statement through <see cref="HotCommand"/> (prepared once, reused by the provider that can).</summary>
    private async Task<int> ExecuteHotAsync(
        DbConnection connection, DbTransaction transaction, string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        var command = HotCommand(connection, transaction, sql);
        try
        {
            bind(command);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await ReleaseHotCommandAsync(command);
        }
    }

    private async Task<TranscriptMessage?> ReadStoredMessageAsync(
        DbConnection connection, DbTransaction transaction, long conversationId, int index, CancellationToken cancellationToken)
    {
        var command = HotCommand(connection, transaction, SelectMessageSql);
        try
        {
            AddInt64(command, "id", conversationId);
            AddInt32(command, "idx", index);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadMessage(reader) : null;
        }
        finally
        {
            await ReleaseHotCommandAsync(command);
        }
    }

    private async Task WriteStopAsync(
        DbConnection connection, DbTransaction transaction, long conversationId, StopInfo? stop, DateTimeOffset? ended, CancellationToken cancellationToken)
    {
        var command = HotCommand(
            connection,
            transaction,
            "UPDATE conversations SET ended = @ended, stop_reason = @reason, stop_seat = @seat, stop_message = @message, " +
            "stop_detail = @detail, stop_attempts = @attempts, lease_owner = NULL, lease_expires_ms = NULL WHERE id = @id");
        try
        {
            AddTime(command, "ended", ended);
            AddText(command, "reason", stop?.Reason);
            AddInt32(command, "seat", stop?.Seat);
            AddInt32(command, "message", stop?.Message);
            AddText(command, "detail", stop?.Detail);
            AddJson(command, "attempts", stop is null ? null : StoreJson.WriteAttempts(stop.Attempts.ToList()));
            AddInt64(command, "id", conversationId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await ReleaseHotCommandAsync(command);
        }

        // A stopped conversation has nothing in flight.
        var live = HotCommand(connection, transaction, "DELETE FROM live WHERE conversation_id = @id");
        try
        {
            AddInt64(live, "id", conversationId);
            await live.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await ReleaseHotCommandAsync(live);
        }
    }

    private async Task<Transcript?> ReadTranscriptAsync(DbConnection connection, long conversationId, CancellationToken cancellationToken)
    {
        Transcript transcript;
        await using (var command = Command(
            connection,
            null,
            "SELECT title, started, ended, stop_reason, stop_seat, stop_message, stop_detail, metadata, stop_attempts FROM conversations WHERE id = @id"))
        {
            AddInt64(command, "id", conversationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            transcript = new Transcript
            {
                Title = GetText(reader, 0),
                Started = ReadTime(reader, 1),
                Ended = ReadTime(reader, 2),
                Stop = reader.IsDBNull(3)
                    ? null
                    : new StopInfo(GetText(reader, 3), GetInt32(reader, 4), GetInt32(reader, 5), GetString(reader, 6))
                    {
                        Attempts = StoreJson.ReadAttempts(GetJson(reader, 8)),
                    },
                Metadata = StoreJson.ReadMetadata(GetJson(reader, 7)),
            };
        }

        await using (var command = Command(
            connection, null, "SELECT seat, name, model, system_prompt FROM participants WHERE conversation_id = @id ORDER BY seat"))
        {
            AddInt64(command, "id", conversationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                transcript.Participants.Add(new Participant(reader.GetInt32(0), GetText(reader, 1), GetString(reader, 2), GetString(reader, 3)));
            }
        }

        await using (var command = Command(
            connection, null, "SELECT " + MessageColumns + " FROM messages WHERE conversation_id = @id ORDER BY idx"))
        {
            AddInt64(command, "id", conversationId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                transcript.Messages.Add(ReadMessage(reader));
            }
        }

        return transcript;
    }

    /// <summary>Reads a row of <see cref="MessageColumns"/>.</summary>
    private TranscriptMessage ReadMessage(DbDataReader reader) => new()
    {
        Seat = reader.GetInt32(1),
        Speaker = GetText(reader, 2),
        Content = GetText(reader, 3),
        Timestamp = ReadTime(reader, 4),
        Usage = reader.IsDBNull(5) && reader.IsDBNull(6)
            ? null
            : new TokenUsage(
                GetInt64(reader, 5) ?? 0,
                GetInt64(reader, 6) ?? 0,
                GetInt64(reader, 7),
                !reader.IsDBNull(8) && reader.GetBoolean(8)),
        Cost = ReadCost(reader, 9),
        Latency = FromMilliseconds(reader, 10),
        TimeToFirstToken = FromMilliseconds(reader, 11),
        FinishReason = GetString(reader, 12),
        Reasoning = GetString(reader, 13),
        SentAs = GetString(reader, 14),
        Attempts = StoreJson.ReadAttempts(GetJson(reader, 15)),
    };

    /// <summary>The WHERE clause (with a leading space, or empty) for a query; binds its parameters on <paramref name="command"/>.</summary>
    private string BuildWhere(DbCommand command, ConversationQuery query, long? after, params string[] extra)
    {
        var conditions = new List<string>(extra);
        if (query.RunId is not null)
        {
            conditions.Add("c.run_id = @run");
            AddText(command, "run", query.RunId);
        }

        if (query.Participant is { } rawParticipant && SearchText.Clean(rawParticipant) is var participant && !string.IsNullOrWhiteSpace(participant))
        {
            conditions.Add(
                "EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND " +
                $"(p.name {LikeOperator} @participant ESCAPE '\\' OR p.model {LikeOperator} @participant ESCAPE '\\'))");
            AddText(command, "participant", SearchText.LikePattern(participant.Trim()));
        }

        if (query.StopReason is not null)
        {
            conditions.Add("c.stop_reason = @stopReason");
            AddText(command, "stopReason", query.StopReason);
        }

        if (query.MinMessages is { } min)
        {
            conditions.Add("c.message_count >= @minMessages");
            AddInt32(command, "minMessages", min);
        }

        if (query.MaxMessages is { } max)
        {
            conditions.Add("c.message_count <= @maxMessages");
            AddInt32(command, "maxMessages", max);
        }

        if (query.StartedFrom is { } from)
        {
            conditions.Add("c.started_ms >= @startedFrom");
            AddInt64(command, "startedFrom", from.ToUnixTimeMilliseconds());
        }

        if (query.StartedTo is { } to)
        {
            conditions.Add("c.started_ms < @startedTo");
            AddInt64(command, "startedTo", to.ToUnixTimeMilliseconds());
        }

        if (query.UnfinishedOnly)
        {
            conditions.Add(Unfinished);
        }

        if (query.RunningAt is { } now)
        {
            conditions.Add($"{Unfinished} AND c.lease_owner IS NOT NULL AND c.lease_expires_ms > @runningAt");
            AddInt64(command, "runningAt", now.ToUnixTimeMilliseconds());
        }

        if (query.Text is { } raw && SearchText.Clean(raw) is var text && !string.IsNullOrWhiteSpace(text))
        {
            conditions.Add($"c.id IN (SELECT m.conversation_id FROM messages m WHERE {TextCondition(command, "m", "text", text)})");
        }

        if (after is { } last)
        {
            conditions.Add(query.Descending ? "c.id < @after" : "c.id > @after");
            AddInt64(command, "after", last);
        }

        return conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
    }

    private Task PrepareTextQueryAsync(string? text, CancellationToken cancellationToken) =>
        !string.IsNullOrWhiteSpace(text) && SearchText.UsesFullText(text) ? CatchUpFullTextAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Full-text over the words of the text, so the index does the work; each term that holds punctuation, which every
    /// tokenizer drops (<c>[END]</c>, <c>don't</c>, <c>---</c>), must also occur literally, as a substring.
    /// </summary>
    private string TextCondition(DbCommand command, string message, string parameter, string text)
    {
        var conditions = new List<string>();
        if (SearchText.UsesFullText(text))
        {
            AddText(command, parameter, FullTextValue(text));
            conditions.Add(FullTextCondition(message, "@" + parameter));
        }

        var literal = 0;
        foreach (var term in SearchText.LiteralTerms(text))
        {
            var name = $"{parameter}{++literal}";
            AddText(command, name, SearchText.LikePattern(term));
            conditions.Add($"{message}.content {LikeOperator} @{name} ESCAPE '\\'");
        }

        if (conditions.Count == 0)
        {
            // No term at all (a lone quote, or two): the text is looked for as typed.
            AddText(command, parameter, SearchText.LikePattern(text.Trim()));
            conditions.Add($"{message}.content {LikeOperator} @{parameter} ESCAPE '\\'");
        }

        return string.Join(" AND ", conditions);
    }

    private async Task<bool> ExistsAsync<T>(
        DbConnection connection, DbTransaction transaction, string sql, T id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    private TranscriptStoreException NoConversation(long conversationId) =>
        new($"The {Description} has no conversation {conversationId}.");

    private static void ValidateParticipants(IList<Participant> participants)
    {
        var seats = new HashSet<int>();
        foreach (var participant in participants)
        {
            if (participant is null || participant.Seat < 1 || string.IsNullOrEmpty(participant.Name) || !seats.Add(participant.Seat))
            {
                throw new ArgumentException("Every participant needs a name and its own seat number, 1 or more.", nameof(participants));
            }
        }
    }

    private static void ValidateMessage(TranscriptMessage message, int index)
    {
        if (message is null || message.Content is null || message.Speaker is null)
        {
            throw new ArgumentException($"Message {index} needs a speaker and content.", nameof(message));
        }
    }

    private static void ValidateQuery(ConversationQuery query)
    {
        if (query.Offset < 0 || query.Limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), "A query's offset and limit cannot be negative.");
        }
    }

    private static long? ParseMetadataNumber(IDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"Metadata '{key}' must be a whole number, not '{text}'.", nameof(metadata));
    }

    private static double? ToMilliseconds(TimeSpan? value) => value?.Ticks / (double)TimeSpan.TicksPerMillisecond;

    private static TimeSpan? FromMilliseconds(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? null
            : TimeSpan.FromTicks((long)Math.Round(reader.GetDouble(ordinal) * TimeSpan.TicksPerMillisecond));

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected static void Add(DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Text as this store's text columns hold it (PostgreSQL cannot hold NUL); every text parameter passes here.</summary>
    protected virtual string StoredText(string text) => text;

    /// <summary>Text as it was given to <see cref="StoredText"/>.</summary>
    protected virtual string ReadText(string stored) => stored;

    /// <summary>A JSON text read from a JSON column, or built by the database from text columns, as JSON again.</summary>
    protected virtual string ReadJson(string stored) => stored;

    private void AddText(DbCommand command, string name, string? value) => Add(command, name, value is null ? null : StoredText(value), DbType.String);

    private static void AddInt32(DbCommand command, string name, int? value) => Add(command, name, value, DbType.Int32);

    private static void AddInt64(DbCommand command, string name, long? value) => Add(command, name, value, DbType.Int64);

    private static void AddDouble(DbCommand command, string name, double? value) => Add(command, name, value, DbType.Double);

    private static void AddBoolean(DbCommand command, string name, bool? value) => Add(command, name, value, DbType.Boolean);

    private string? GetString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : GetText(reader, ordinal);

    private string GetText(DbDataReader reader, int ordinal) => ReadText(reader.GetString(ordinal));

    private string? GetJson(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadJson(reader.GetString(ordinal));

    private static int? GetInt32(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static long? GetInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
