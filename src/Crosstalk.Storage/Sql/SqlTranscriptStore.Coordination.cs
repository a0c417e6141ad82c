using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Sql;

/// <summary>What lets processes meet in the store: leases, live text, deletion, content hashes and stored analyses.</summary>
internal abstract partial class SqlTranscriptStore
{
    private const string UpsertLiveSql =
        "INSERT INTO live (conversation_id, idx, seat, speaker, text, updated_ms) " +
        "SELECT @id, @idx, @seat, @speaker, @text, @updated FROM conversations c WHERE c.id = @id AND " + Unfinished + " " +
        "ON CONFLICT (conversation_id) DO UPDATE SET idx = excluded.idx, seat = excluded.seat, speaker = excluded.speaker, " +
        "text = excluded.text, updated_ms = excluded.updated_ms";

    private const string DeleteLiveSql = "DELETE FROM live WHERE conversation_id = @id";

    // An analysis counts when the analyzer that made it is this one and it saw every stored message.
    private const string CurrentAnalysis = "a.version = @version AND a.message_count = c.message_count";

    private async Task<IReadOnlyList<TranscriptMessage>> GetMessagesCoreAsync(long conversationId, int afterIndex, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection, null, "SELECT " + MessageColumns + " FROM messages WHERE conversation_id = @id AND idx > @after ORDER BY idx");
        AddInt64(command, "id", conversationId);
        AddInt32(command, "after", afterIndex);
        var messages = new List<TranscriptMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(ReadMessage(reader));
        }

        return messages;
    }

    private Task<bool> TryAcquireLeaseCoreAsync(long conversationId, ConversationLease lease, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                await using var command = Command(connection, transaction, "");
                var dead = new List<string>();
                foreach (var owner in lease.DeadOwners ?? [])
                {
                    var name = "dead" + dead.Count.ToString(CultureInfo.InvariantCulture);
                    AddText(command, name, owner);
                    dead.Add("@" + name);
                }

                command.CommandText =
                    "UPDATE conversations AS c SET lease_owner = @owner, lease_expires_ms = @expires " +
                    $"WHERE c.id = @id AND {Unfinished} AND (c.lease_owner IS NULL OR c.lease_owner = @owner OR c.lease_expires_ms <= @now" +
                    (dead.Count == 0 ? ")" : $" OR c.lease_owner IN ({string.Join(", ", dead)}))");
                AddText(command, "owner", lease.Owner);
                AddInt64(command, "expires", (lease.Now + lease.Duration).ToUnixTimeMilliseconds());
                AddInt64(command, "now", lease.Now.ToUnixTimeMilliseconds());
                AddInt64(command, "id", conversationId);
                if (await command.ExecuteNonQueryAsync(token) != 1)
                {
                    return false;
                }

                // It runs again, so whatever analysis it had is about to be stale: the corpus sums leave it out until it
                // stops and is analysed again (which lets them count an analysis by its version alone).
                foreach (var sql in new[] { "DELETE FROM analysis_seats WHERE conversation_id = @id", "DELETE FROM analyses WHERE conversation_id = @id" })
                {
                    var delete = HotCommand(connection, transaction, sql);
                    try
                    {
                        AddInt64(delete, "id", conversationId);
                        await delete.ExecuteNonQueryAsync(token);
                    }
                    finally
                    {
                        await ReleaseHotCommandAsync(delete);
                    }
                }

                return true;
            },
            cancellationToken);

    private Task<IReadOnlyList<long>> RenewLeasesCoreAsync(string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken) =>
        InWriteTransactionAsync<IReadOnlyList<long>>(
            async (connection, transaction, token) =>
            {
                await using (var update = Command(connection, transaction, "UPDATE conversations SET lease_expires_ms = @expires WHERE lease_owner = @owner"))
                {
                    AddInt64(update, "expires", (now + duration).ToUnixTimeMilliseconds());
                    AddText(update, "owner", owner);
                    await update.ExecuteNonQueryAsync(token);
                }

                var held = new List<long>();
                await using var select = Command(connection, transaction, "SELECT id FROM conversations WHERE lease_owner = @owner ORDER BY id");
                AddText(select, "owner", owner);
                await using var reader = await select.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    held.Add(reader.GetInt64(0));
                }

                return held;
            },
            cancellationToken);

    private Task ReleaseLeaseCoreAsync(long conversationId, string owner, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                await using var command = Command(
                    connection, transaction, "UPDATE conversations SET lease_owner = NULL, lease_expires_ms = NULL WHERE id = @id AND lease_owner = @owner");
                AddInt64(command, "id", conversationId);
                AddText(command, "owner", owner);
                return await command.ExecuteNonQueryAsync(token);
            },
            cancellationToken);

    private async Task<IReadOnlyList<LeaseState>> GetUnfinishedLeasesCoreAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection, null, $"SELECT c.id, c.lease_owner, c.lease_expires_ms FROM conversations c WHERE c.run_id = @run AND {Unfinished} ORDER BY c.id");
        AddText(command, "run", runId);
        var leases = new List<LeaseState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leases.Add(new LeaseState(reader.GetInt64(0), GetString(reader, 1), FromUnixMilliseconds(GetInt64(reader, 2))));
        }

        return leases;
    }

    private async Task<IReadOnlyList<RunningLease>> GetRunningLeasesCoreAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT c.id, c.run_id, c.lease_owner, c.lease_expires_ms, c.message_count FROM conversations c " +
            $"WHERE c.lease_owner IS NOT NULL AND c.lease_expires_ms > @now AND {Unfinished} ORDER BY c.id");
        AddInt64(command, "now", now.ToUnixTimeMilliseconds());
        var leases = new List<RunningLease>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leases.Add(new RunningLease(
                reader.GetInt64(0), GetString(reader, 1), GetText(reader, 2), FromUnixMilliseconds(reader.GetInt64(3))!.Value, reader.GetInt32(4)));
        }

        return leases;
    }

    /// <summary>The silos in Orleans' membership table; a store without one (SQLite) has none.</summary>
    protected virtual Task<IReadOnlyList<ClusterSilo>> GetClusterSilosCoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ClusterSilo>>([]);

    private Task WriteLiveCoreAsync(IReadOnlyCollection<LiveText> updates, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                foreach (var update in updates)
                {
                    var command = HotCommand(connection, transaction, update.Text is null ? DeleteLiveSql : UpsertLiveSql);
                    try
                    {
                        AddInt64(command, "id", update.ConversationId);
                        if (update.Text is not null)
                        {
                            AddInt32(command, "idx", update.Index);
                            AddInt32(command, "seat", update.Seat);
                            AddText(command, "speaker", update.Speaker);
                            AddText(command, "text", update.Text);
                            AddInt64(command, "updated", update.Updated.ToUnixTimeMilliseconds());
                        }

                        await command.ExecuteNonQueryAsync(token);
                    }
                    finally
                    {
                        await ReleaseHotCommandAsync(command);
                    }
                }

                return true;
            },
            cancellationToken);

    private Task WatchCoreAsync(long conversationId, DateTimeOffset until, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                // Watching a conversation that is not there (deleted, mistyped) watches nothing.
                await using var command = Command(
                    connection,
                    transaction,
                    "INSERT INTO live_watchers (conversation_id, expires_ms) SELECT c.id, @until FROM conversations c WHERE c.id = @id " +
                    "ON CONFLICT (conversation_id) DO UPDATE SET expires_ms = excluded.expires_ms");
                AddInt64(command, "id", conversationId);
                AddInt64(command, "until", until.ToUnixTimeMilliseconds());
                await command.ExecuteNonQueryAsync(token);

                // Watches that ended long ago go, so the table stays the size of what is watched.
                await using var sweep = Command(connection, transaction, "DELETE FROM live_watchers WHERE expires_ms < @old");
                AddInt64(sweep, "old", until.AddHours(-1).ToUnixTimeMilliseconds());
                return await sweep.ExecuteNonQueryAsync(token);
            },
            cancellationToken);

    private async Task<IReadOnlyCollection<long>> GetWatchedCoreAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT conversation_id FROM live_watchers WHERE expires_ms > @now");
        AddInt64(command, "now", now.ToUnixTimeMilliseconds());
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task<LiveStatus?> GetLiveStatusCoreAsync(long conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT c.message_count, c.stop_reason, c.stop_seat, c.stop_message, c.stop_detail, c.ended, c.lease_owner, c.lease_expires_ms, " +
            "l.idx, l.seat, l.speaker, l.text, l.updated_ms FROM conversations c LEFT JOIN live l ON l.conversation_id = c.id WHERE c.id = @id");
        AddInt64(command, "id", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var stop = reader.IsDBNull(1) ? null : new StopInfo(GetText(reader, 1), GetInt32(reader, 2), GetInt32(reader, 3), GetString(reader, 4));
        var lease = new LeaseState(conversationId, GetString(reader, 6), FromUnixMilliseconds(GetInt64(reader, 7)));
        var inFlight = reader.IsDBNull(8)
            ? null
            : new LiveText(conversationId, reader.GetInt32(8), reader.GetInt32(9), GetText(reader, 10), GetText(reader, 11), FromUnixMilliseconds(reader.GetInt64(12))!.Value);
        return new LiveStatus(reader.GetInt32(0), stop, ReadTime(reader, 5), lease, inFlight);
    }

    private async Task<long?> FindByContentHashCoreAsync(string contentHash, CancellationToken cancellationToken) =>
        await FindOneAsync("content_hash", contentHash, long.MaxValue, cancellationToken);

    private async Task<long?> FindByImportedFileCoreAsync(string importedFile, long storedUpTo, CancellationToken cancellationToken) =>
        await FindOneAsync("imported_file", importedFile, storedUpTo, cancellationToken);

    // The first conversation (up to an id) whose indexed column holds the key.
    private async Task<long?> FindOneAsync(string column, string key, long upTo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT id FROM conversations WHERE {column} = @key AND id <= @upTo ORDER BY id LIMIT 1");
        AddText(command, "key", key);
        AddInt64(command, "upTo", upTo);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

    private Task<int> KeepImportedFilesCoreAsync(IReadOnlyList<KeyValuePair<long, string>> files, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                // Which have none, a few hundred ids to a query: an import found again (every conversation has its file) costs a
                // query per few hundred, not a statement per conversation (a round trip each on PostgreSQL).
                var without = new List<KeyValuePair<long, string>>();
                foreach (var chunk in files.Chunk(500))
                {
                    await using var select = Command(connection, transaction, "");
                    var names = new List<string>(chunk.Length);
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        names.Add("@id" + i.ToString(CultureInfo.InvariantCulture));
                        AddInt64(select, "id" + i.ToString(CultureInfo.InvariantCulture), chunk[i].Key);
                    }

                    select.CommandText = $"SELECT id FROM conversations WHERE imported_file IS NULL AND id IN ({string.Join(", ", names)})";
                    var ids = new HashSet<long>();
                    await using (var reader = await select.ExecuteReaderAsync(token))
                    {
                        while (await reader.ReadAsync(token))
                        {
                            ids.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
                        }
                    }

                    without.AddRange(chunk.Where(f => ids.Contains(f.Key)));
                }

                var kept = 0;
                foreach (var (id, file) in without)
                {
                    await using var update = Command(connection, transaction, "UPDATE conversations SET imported_file = @file WHERE id = @id AND imported_file IS NULL");
                    AddInt64(update, "id", id);
                    AddText(update, "file", file);
                    kept += await update.ExecuteNonQueryAsync(token);
                }

                return kept;
            },
            cancellationToken);

    private Task<bool> DeleteConversationCoreAsync(long conversationId, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                if (!await ExistsAsync(connection, transaction, "SELECT 1 FROM conversations WHERE id = @id", conversationId, token))
                {
                    return false;
                }

                await using (var orphans = Command(connection, transaction, "UPDATE conversations SET parent_id = NULL WHERE parent_id = @id"))
                {
                    AddInt64(orphans, "id", conversationId);
                    await orphans.ExecuteNonQueryAsync(token);
                }

                await using var delete = Command(connection, transaction, "DELETE FROM conversations WHERE id = @id");
                AddInt64(delete, "id", conversationId);
                await delete.ExecuteNonQueryAsync(token);
                return true;
            },
            cancellationToken);

    private Task<int> DeleteRunCoreAsync(string runId, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                if (!await ExistsAsync(connection, transaction, "SELECT 1 FROM runs WHERE id = @id", runId, token))
                {
                    return -1;
                }

                await using (var orphans = Command(
                    connection, transaction, "UPDATE conversations SET parent_id = NULL WHERE parent_id IN (SELECT id FROM conversations WHERE run_id = @run)"))
                {
                    AddText(orphans, "run", runId);
                    await orphans.ExecuteNonQueryAsync(token);
                }

                int deleted;
                await using (var conversations = Command(connection, transaction, "DELETE FROM conversations WHERE run_id = @run"))
                {
                    AddText(conversations, "run", runId);
                    deleted = await conversations.ExecuteNonQueryAsync(token);
                }

                await using var run = Command(connection, transaction, "DELETE FROM runs WHERE id = @run");
                AddText(run, "run", runId);
                await run.ExecuteNonQueryAsync(token);
                return deleted;
            },
            cancellationToken);

    private Task SaveAnalysisCoreAsync(long conversationId, AnalysisRecord analysis, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                if (!await ExistsAsync(connection, transaction, "SELECT 1 FROM conversations WHERE id = @id", conversationId, token))
                {
                    throw NoConversation(conversationId);
                }

                await WriteAnalysisAsync(connection, transaction, conversationId, analysis, replace: true, token);
                return true;
            },
            cancellationToken);

    /// <summary>Keeps <paramref name="analysis"/> for the conversation; <paramref name="replace"/> removes an earlier one first.</summary>
    private async Task WriteAnalysisAsync(
        DbConnection connection, DbTransaction transaction, long conversationId, AnalysisRecord analysis, bool replace, CancellationToken token)
    {
        var (version, messageCount, facts, analysisJson) = analysis;
        if (replace)
        {
            foreach (var sql in new[]
            {
                "DELETE FROM analysis_vocabularies WHERE conversation_id = @id", "DELETE FROM analysis_seats WHERE conversation_id = @id",
                "DELETE FROM analysis_documents WHERE conversation_id = @id", "DELETE FROM analyses WHERE conversation_id = @id",
            })
            {
                await ExecuteHotAsync(connection, transaction, sql, delete => AddInt64(delete, "id", conversationId), token);
            }
        }

        await ExecuteHotAsync(
            connection,
            transaction,
            "INSERT INTO analyses (conversation_id, version, message_count, pair, stop_reason, first_end, first_end_seat, " +
            "messages_after_first_end, tokens_after_first_end, cost_after_first_end, goodbye_loop_start, goodbye_loop_length, " +
            "refusals, near_duplicates, garbled_words, source) VALUES (@id, @version, @count, @pair, @stop, @firstEnd, " +
            "@firstEndSeat, @after, @tokensAfter, @costAfter, @loopStart, @loopLength, @refusals, @duplicates, @garbled, @source)",
            insert =>
            {
                AddInt64(insert, "id", conversationId);
                AddInt32(insert, "version", version);
                AddInt32(insert, "count", messageCount);
                AddText(insert, "pair", facts.Pair);
                AddText(insert, "stop", facts.StopReason);
                AddInt32(insert, "firstEnd", facts.FirstEnd);
                AddInt32(insert, "firstEndSeat", facts.FirstEndSeat);
                AddInt32(insert, "after", facts.MessagesAfterFirstEnd);
                AddInt64(insert, "tokensAfter", facts.TokensAfterFirstEnd);
                AddCost(insert, "costAfter", facts.CostAfterFirstEnd);
                AddInt32(insert, "loopStart", facts.GoodbyeLoopStart);
                AddInt32(insert, "loopLength", facts.GoodbyeLoopLength);
                AddInt32(insert, "refusals", facts.Refusals);
                AddInt32(insert, "duplicates", facts.NearDuplicates);
                AddInt32(insert, "garbled", facts.GarbledWords);
                AddText(insert, "source", facts.Source);
            },
            token);

        await ExecuteHotAsync(
            connection,
            transaction,
            "INSERT INTO analysis_documents (conversation_id, analysis) VALUES (@id, @analysis)",
            document =>
            {
                AddInt64(document, "id", conversationId);
                AddText(document, "analysis", analysisJson);
            },
            token);

        foreach (var seat in facts.Seats)
        {
            var kept = seat.WithTopVocabulary(ConversationFacts.StoredVocabulary);
            var withEnd = facts.FirstEnd is not null;
            await ExecuteHotAsync(
                connection,
                transaction,
                "INSERT INTO analysis_seats (conversation_id, seat, version, model, messages, words, refusals, refused, goodbye_loop, " +
                "ended_first, with_end, after_end, tokens_end, cost_end, emoji, garbled, judged) VALUES (@id, @seat, @version, @model, " +
                "@messages, @words, @refusals, @refused, @loop, @endedFirst, @withEnd, @after, @tokens, @cost, @emoji, @garbled, @judged)",
                insert =>
                {
                    AddInt64(insert, "id", conversationId);
                    AddInt32(insert, "seat", seat.Seat);
                    AddInt32(insert, "version", version);
                    AddText(insert, "model", seat.Model);
                    AddInt32(insert, "messages", seat.Messages);
                    AddInt64(insert, "words", seat.Words);
                    AddInt32(insert, "refusals", seat.Refusals);
                    AddInt32(insert, "refused", seat.Refusals > 0 ? 1 : 0);
                    AddInt32(insert, "loop", facts.GoodbyeLoopLength > 0 ? 1 : 0);
                    AddInt32(insert, "endedFirst", seat.EndedFirst ? 1 : 0);
                    AddInt32(insert, "withEnd", withEnd ? 1 : 0);
                    AddInt32(insert, "after", withEnd ? facts.MessagesAfterFirstEnd : 0);
                    AddInt64(insert, "tokens", withEnd ? seat.TokensAfterFirstEnd : 0);
                    AddCost(insert, "cost", withEnd ? seat.CostAfterFirstEnd : null);
                    AddInt64(insert, "emoji", seat.Emoji);
                    AddInt64(insert, "garbled", seat.Garbled);
                    AddInt64(insert, "judged", seat.Judged);
                },
                token);

            var vocabulary = JsonSerializer.Serialize(
                new VocabularyRow(new Dictionary<string, int>(kept.WordCounts, StringComparer.Ordinal), new Dictionary<string, int>(kept.EmojiCounts, StringComparer.Ordinal)),
                StoreJsonContext.Default.VocabularyRow);
            await ExecuteHotAsync(
                connection,
                transaction,
                "INSERT INTO analysis_vocabularies (conversation_id, seat, vocabulary) VALUES (@id, @seat, @vocabulary)",
                words =>
                {
                    AddInt64(words, "id", conversationId);
                    AddInt32(words, "seat", seat.Seat);
                    AddText(words, "vocabulary", vocabulary);
                },
                token);
        }

    }

    private async Task<string?> GetAnalysisJsonCoreAsync(long conversationId, int version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT d.analysis FROM analyses a JOIN conversations c ON c.id = a.conversation_id JOIN analysis_documents d ON d.conversation_id = a.conversation_id " +
            $"WHERE a.conversation_id = @id AND {CurrentAnalysis}");
        AddInt64(command, "id", conversationId);
        AddInt32(command, "version", version);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task<IReadOnlyList<long>> GetUnanalyzedCoreAsync(ConversationQuery query, int version, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ValidateQuery(query);
        await PrepareTextQueryAsync(query.Text, cancellationToken);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "");

        // Not while it runs (a lease that has not expired): its analysis would be stale at the next message.
        var where = BuildWhere(
            command,
            query,
            after: null,
            "c.message_count > 0",
            "(c.lease_owner IS NULL OR c.lease_expires_ms <= @now)",
            "NOT EXISTS (SELECT 1 FROM analyses a WHERE a.conversation_id = c.id AND " + CurrentAnalysis + ")");
        command.CommandText = $"SELECT c.id FROM conversations c{where} ORDER BY c.id LIMIT @limit";
        AddInt64(command, "now", now.ToUnixTimeMilliseconds());
        AddInt32(command, "version", version);
        AddInt64(command, "limit", limit);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task<StoredCorpus> AggregateAnalysesCoreAsync(
        ConversationQuery query, int version, AnalysisOptions options, int vocabularySample, bool includeRows, CancellationToken cancellationToken)
    {
        ValidateQuery(query);
        await PrepareTextQueryAsync(query.Text, cancellationToken);
        var unlimited = query with { Offset = 0, Limit = null, Descending = false };
        var sums = new CorpusSums();

        // Three reads at once, each on its own connection: how many match, the per-conversation sums, the per-model sums.
        // Without filters they read the analysis tables alone (an analysis counts by its version: a conversation that runs
        // again loses it when its lease is taken); with filters they join the conversations the filters select.
        var filtered = HasFilters(unlimited);
        var matching = CountAsync();
        var conversations = ReadAsync(
            "a.stop_reason, a.message_count, a.first_end, a.pair, COUNT(*), SUM(CASE WHEN a.goodbye_loop_length > 0 THEN 1 ELSE 0 END), " +
            $"SUM(a.messages_after_first_end), SUM(CASE WHEN a.refusals > 0 THEN 1 ELSE 0 END), SUM(a.tokens_after_first_end), {Cost("SUM(a.cost_after_first_end)")}",
            "analyses a",
            "a",
            "a.stop_reason, a.message_count, a.first_end, a.pair",
            reader => new ConversationGroup(
                GetString(reader, 0),
                reader.GetInt32(1),
                GetInt32(reader, 2),
                GetText(reader, 3),
                ToInt(reader, 4),
                ToInt(reader, 5),
                ToLong(reader, 6),
                ToInt(reader, 7),
                ToLong(reader, 8),
                ReadCost(reader, 9)));
        // Per conversation and model first: a model talking to itself has two seat rows, and is one conversation of it
        // (its messages and words are both seats'), as the in-memory CorpusAnalyzer counts it.
        var models = ReadAsync(
            "s.model AS model, SUM(s.messages) AS messages, SUM(s.words) AS words, SUM(s.refusals) AS refusals, MAX(s.refused) AS refused, " +
            "MAX(s.goodbye_loop) AS goodbye_loop, MAX(s.ended_first) AS ended_first, MAX(s.with_end) AS with_end, MAX(s.after_end) AS after_end, " +
            "SUM(s.tokens_end) AS tokens_end, SUM(s.cost_end) AS cost_end, SUM(s.emoji) AS emoji, SUM(s.garbled) AS garbled, SUM(s.judged) AS judged",
            "analysis_seats s",
            "s",
            "s.model, s.conversation_id",
            reader => (GetText(reader, 0), new ModelSums
            {
                Conversations = ToInt(reader, 1),
                Messages = ToLong(reader, 2),
                Words = ToLong(reader, 3),
                Refusals = ToLong(reader, 4),
                Refused = ToInt(reader, 5),
                Loops = ToInt(reader, 6),
                FirstToEnd = ToInt(reader, 7),
                WithEnd = ToInt(reader, 8),
                AfterFirstEnd = ToLong(reader, 9),
                TokensAfterFirstEnd = ToLong(reader, 10),
                CostAfterFirstEnd = ReadCost(reader, 11),
                Emoji = ToLong(reader, 12),
                Garbled = ToLong(reader, 13),
                Judged = ToLong(reader, 14),
            }),
            outer: "SELECT model, COUNT(*), SUM(messages), SUM(words), SUM(refusals), SUM(refused), SUM(goodbye_loop), SUM(ended_first), " +
                $"SUM(with_end), SUM(after_end), SUM(tokens_end), {Cost("SUM(cost_end)")}, SUM(emoji), SUM(garbled), SUM(judged) FROM ({{0}}) per_conversation GROUP BY model");
        await Task.WhenAll(matching, conversations, models);

        foreach (var group in await conversations)
        {
            var reason = group.StopReason ?? "unknown";
            sums.StopReasons[reason] = sums.StopReasons.GetValueOrDefault(reason) + group.Conversations;
            sums.Lengths[group.Messages] = sums.Lengths.GetValueOrDefault(group.Messages) + group.Conversations;
            if (group.FirstEnd is { } first)
            {
                sums.FirstEnds[first] = sums.FirstEnds.GetValueOrDefault(first) + group.Conversations;
            }
            else
            {
                sums.WithoutEnd += group.Conversations;
            }

            sums.Conversations += group.Conversations;
            sums.Messages += (long)group.Messages * group.Conversations;
            sums.GoodbyeLoops += group.Loops;
            sums.MessagesAfterFirstEnd += group.AfterFirstEnd;
            var pair = sums.Pair(group.Pair);
            pair.Conversations += group.Conversations;
            pair.Messages += (long)group.Messages * group.Conversations;
            pair.Refused += group.Refused;
            pair.Loops += group.Loops;
            if (group.FirstEnd is not null)
            {
                pair.WithEnd += group.Conversations;
                pair.AfterFirstEnd += group.AfterFirstEnd;
                pair.TokensAfterFirstEnd += group.TokensAfterFirstEnd;
                if (group.CostAfterFirstEnd is { } cost)
                {
                    pair.CostAfterFirstEnd = (pair.CostAfterFirstEnd ?? 0) + cost;
                }
            }
        }

        foreach (var (name, model) in await models)
        {
            sums.Models[name] = model;
        }

        // Keywords and emoji: summing every seat's vocabulary of a large store would read it all, so each model's newest
        // seats stand for it (the page says how many).
        await using (var connection = await OpenReadConnectionAsync(cancellationToken))
        {
            if (!filtered)
            {
                foreach (var (name, model) in sums.Models)
                {
                    // The model's newest seats, found backwards along (model, conversation_id).
                    await using var command = Command(connection, null,
                        "SELECT v.vocabulary FROM analysis_seats s JOIN analysis_vocabularies v ON v.conversation_id = s.conversation_id AND v.seat = s.seat " +
                        "WHERE s.model = @model AND s.version = @version ORDER BY s.conversation_id DESC LIMIT @sample");
                    AddInt32(command, "version", version);
                    AddText(command, "model", name);
                    AddInt32(command, "sample", vocabularySample);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        AddVocabulary(model, GetText(reader, 0));
                    }
                }
            }
            else
            {
                // With filters, one pass over the matching seats, newest first, until every model has its sample: the filters
                // are evaluated once per conversation, not once per model.
                await using var command = Command(connection, null, "");
                var where = BuildWhere(
                    command, unlimited, after: null, "s.conversation_id = c.id", "v.conversation_id = s.conversation_id", "v.seat = s.seat", "s.version = @version");
                command.CommandText =
                    $"SELECT s.model, v.vocabulary FROM conversations c CROSS JOIN analysis_seats s CROSS JOIN analysis_vocabularies v{where} ORDER BY c.id DESC";
                AddInt32(command, "version", version);
                var taken = new Dictionary<string, int>(StringComparer.Ordinal);
                var full = 0;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (full < sums.Models.Count && await reader.ReadAsync(cancellationToken))
                {
                    var name = GetText(reader, 0);
                    var count = taken.GetValueOrDefault(name);
                    if (count >= vocabularySample || !sums.Models.TryGetValue(name, out var model))
                    {
                        continue;
                    }

                    taken[name] = ++count;
                    full += count == vocabularySample ? 1 : 0;
                    AddVocabulary(model, GetText(reader, 1));
                }
            }

            if (includeRows)
            {
                await using var command = Command(connection, null, "");
                var where = BuildWhere(command, unlimited, after: null);
                command.CommandText =
                    "SELECT c.title, a.source, a.message_count, a.stop_reason, a.first_end, a.messages_after_first_end, a.goodbye_loop_start, " +
                    $"a.goodbye_loop_length, a.refusals, a.near_duplicates, a.garbled_words FROM conversations c JOIN analyses a ON a.conversation_id = c.id AND a.version = @version{where} ORDER BY c.id";
                AddInt32(command, "version", version);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    sums.Rows.Add(new ConversationRow(
                        GetText(reader, 0),
                        GetString(reader, 1),
                        reader.GetInt32(2),
                        GetString(reader, 3),
                        GetInt32(reader, 4),
                        reader.GetInt32(5),
                        GetInt32(reader, 6),
                        reader.GetInt32(7),
                        reader.GetInt32(8),
                        reader.GetInt32(9),
                        reader.GetInt32(10)));
                }
            }
        }

        var total = await matching;
        return new StoredCorpus(sums.ToAnalysis(options), total, total - sums.Conversations);

        void AddVocabulary(ModelSums model, string json)
        {
            if (JsonSerializer.Deserialize(json, StoreJsonContext.Default.VocabularyRow) is not { } vocabulary)
            {
                return;
            }

            sums.AddWords(model, vocabulary.Words);
            foreach (var (emoji, n) in vocabulary.Emoji)
            {
                model.EmojiCounts[emoji] = model.EmojiCounts.GetValueOrDefault(emoji) + n;
            }
        }

        async Task<long> CountAsync()
        {
            await using var connection = await OpenReadConnectionAsync(cancellationToken);
            await using var command = Command(connection, null, "");
            command.CommandText = "SELECT COUNT(*) FROM conversations c" + BuildWhere(command, unlimited, after: null);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        async Task<List<T>> ReadAsync<T>(string columns, string table, string alias, string groupBy, Func<DbDataReader, T> read, string? outer = null)
        {
            await using var connection = await OpenReadConnectionAsync(cancellationToken);
            await using var command = Command(connection, null, "");
            var current = $"{alias}.version = @version";

            // With filters, the conversations drive (CROSS JOIN keeps SQLite's loops in that order): each filter is checked
            // once per conversation, walking them in id order, rather than per analysis row in random order.
            command.CommandText = filtered
                ? $"SELECT {columns} FROM conversations c CROSS JOIN {table}" +
                  BuildWhere(command, unlimited, after: null, $"{alias}.conversation_id = c.id", current) + $" GROUP BY {groupBy}"
                : $"SELECT {columns} FROM {table} WHERE {current} GROUP BY {groupBy}";
            if (outer is not null)
            {
                command.CommandText = outer.Replace("{0}", command.CommandText, StringComparison.Ordinal);
            }

            AddInt32(command, "version", version);
            var list = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(read(reader));
            }

            return list;
        }
    }

    private static bool HasFilters(ConversationQuery query) =>
        query.RunId is not null || query.Participant is not null || query.StopReason is not null || query.MinMessages is not null
        || query.MaxMessages is not null || query.StartedFrom is not null || query.StartedTo is not null || query.UnfinishedOnly
        || query.RunningAt is not null || !string.IsNullOrWhiteSpace(query.Text);

    /// <summary>Conversations that share a stop reason, a length, a first end and a pair, with their sums.</summary>
    private sealed record ConversationGroup(
        string? StopReason, int Messages, int? FirstEnd, string Pair, int Conversations, int Loops, long AfterFirstEnd, int Refused, long TokensAfterFirstEnd, decimal? CostAfterFirstEnd);

    private static int ToInt(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static long ToLong(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static DateTimeOffset? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
