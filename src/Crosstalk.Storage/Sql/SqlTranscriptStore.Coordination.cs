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
                return await command.ExecuteNonQueryAsync(token) == 1;
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

        var stop = reader.IsDBNull(1) ? null : new StopInfo(reader.GetString(1), GetInt32(reader, 2), GetInt32(reader, 3), GetString(reader, 4));
        var lease = new LeaseState(conversationId, GetString(reader, 6), FromUnixMilliseconds(GetInt64(reader, 7)));
        var inFlight = reader.IsDBNull(8)
            ? null
            : new LiveText(conversationId, reader.GetInt32(8), reader.GetInt32(9), reader.GetString(10), reader.GetString(11), FromUnixMilliseconds(reader.GetInt64(12))!.Value);
        return new LiveStatus(reader.GetInt32(0), stop, ReadTime(reader, 5), lease, inFlight);
    }

    private async Task<long?> FindByContentHashCoreAsync(string contentHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id FROM conversations WHERE content_hash = @hash");
        AddText(command, "hash", contentHash);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

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

    private Task SaveAnalysisCoreAsync(
        long conversationId, int version, int messageCount, ConversationFacts facts, string analysisJson, CancellationToken cancellationToken) =>
        InWriteTransactionAsync(
            async (connection, transaction, token) =>
            {
                if (!await ExistsAsync(connection, transaction, "SELECT 1 FROM conversations WHERE id = @id", conversationId, token))
                {
                    throw NoConversation(conversationId);
                }

                foreach (var sql in new[] { "DELETE FROM analysis_seats WHERE conversation_id = @id", "DELETE FROM analyses WHERE conversation_id = @id" })
                {
                    await using var delete = Command(connection, transaction, sql);
                    AddInt64(delete, "id", conversationId);
                    await delete.ExecuteNonQueryAsync(token);
                }

                await using (var insert = Command(
                    connection,
                    transaction,
                    "INSERT INTO analyses (conversation_id, version, message_count, pair, stop_reason, first_end, first_end_seat, " +
                    "messages_after_first_end, tokens_after_first_end, cost_after_first_end, goodbye_loop_start, goodbye_loop_length, " +
                    "refusals, near_duplicates, garbled_words, source, analysis) VALUES (@id, @version, @count, @pair, @stop, @firstEnd, " +
                    "@firstEndSeat, @after, @tokensAfter, @costAfter, @loopStart, @loopLength, @refusals, @duplicates, @garbled, @source, @analysis)"))
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
                    AddText(insert, "analysis", analysisJson);
                    await insert.ExecuteNonQueryAsync(token);
                }

                foreach (var seat in facts.Seats)
                {
                    var kept = seat.WithTopVocabulary(ConversationFacts.StoredVocabulary);
                    await using var insert = Command(
                        connection,
                        transaction,
                        "INSERT INTO analysis_seats (conversation_id, seat, model, messages, words, refusals, emoji, garbled, judged, " +
                        "ended_first, tokens_after_first_end, cost_after_first_end, vocabulary) VALUES (@id, @seat, @model, @messages, " +
                        "@words, @refusals, @emoji, @garbled, @judged, @endedFirst, @tokensAfter, @costAfter, @vocabulary)");
                    AddInt64(insert, "id", conversationId);
                    AddInt32(insert, "seat", seat.Seat);
                    AddText(insert, "model", seat.Model);
                    AddInt32(insert, "messages", seat.Messages);
                    AddInt64(insert, "words", seat.Words);
                    AddInt32(insert, "refusals", seat.Refusals);
                    AddInt64(insert, "emoji", seat.Emoji);
                    AddInt64(insert, "garbled", seat.Garbled);
                    AddInt64(insert, "judged", seat.Judged);
                    AddBoolean(insert, "endedFirst", seat.EndedFirst);
                    AddInt64(insert, "tokensAfter", seat.TokensAfterFirstEnd);
                    AddCost(insert, "costAfter", seat.CostAfterFirstEnd);
                    AddText(insert, "vocabulary", JsonSerializer.Serialize(
                        new VocabularyRow(new Dictionary<string, int>(kept.WordCounts, StringComparer.Ordinal), new Dictionary<string, int>(kept.EmojiCounts, StringComparer.Ordinal)),
                        StoreJsonContext.Default.VocabularyRow));
                    await insert.ExecuteNonQueryAsync(token);
                }

                return true;
            },
            cancellationToken);

    private async Task<string?> GetAnalysisJsonCoreAsync(long conversationId, int version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(
            connection, null, $"SELECT a.analysis FROM analyses a JOIN conversations c ON c.id = a.conversation_id WHERE a.conversation_id = @id AND {CurrentAnalysis}");
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
        long matching;
        await using var connection = await OpenReadConnectionAsync(cancellationToken);

        await using (var count = Command(connection, null, ""))
        {
            count.CommandText = "SELECT COUNT(*) FROM conversations c" + BuildWhere(count, unlimited, after: null);
            matching = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        // Per conversation: totals, then one histogram per GROUP BY.
        const string Analysed = " JOIN analyses a ON a.conversation_id = c.id AND " + CurrentAnalysis;
        await ReadGroupsAsync(
            "COALESCE(a.stop_reason, 'unknown'), COUNT(*)", "COALESCE(a.stop_reason, 'unknown')",
            reader => sums.StopReasons[reader.GetString(0)] = ToInt(reader, 1));
        await ReadGroupsAsync(
            "a.message_count, COUNT(*), SUM(CASE WHEN a.goodbye_loop_length > 0 THEN 1 ELSE 0 END), SUM(a.messages_after_first_end)",
            "a.message_count",
            reader =>
            {
                var conversations = ToInt(reader, 1);
                sums.Lengths[reader.GetInt32(0)] = conversations;
                sums.Conversations += conversations;
                sums.Messages += (long)reader.GetInt32(0) * conversations;
                sums.GoodbyeLoops += ToInt(reader, 2);
                sums.MessagesAfterFirstEnd += ToLong(reader, 3);
            });
        await ReadGroupsAsync(
            "a.first_end, COUNT(*)", "a.first_end",
            reader =>
            {
                if (reader.IsDBNull(0))
                {
                    sums.WithoutEnd += ToInt(reader, 1);
                }
                else
                {
                    sums.FirstEnds[reader.GetInt32(0)] = ToInt(reader, 1);
                }
            });
        await ReadGroupsAsync(
            "a.pair, COUNT(*), SUM(a.message_count), SUM(CASE WHEN a.refusals > 0 THEN 1 ELSE 0 END), " +
            "SUM(CASE WHEN a.goodbye_loop_length > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN a.first_end IS NULL THEN 0 ELSE 1 END), " +
            "SUM(CASE WHEN a.first_end IS NULL THEN 0 ELSE a.messages_after_first_end END), " +
            "SUM(CASE WHEN a.first_end IS NULL THEN 0 ELSE a.tokens_after_first_end END), " +
            "SUM(CASE WHEN a.first_end IS NULL THEN NULL ELSE a.cost_after_first_end END)",
            "a.pair",
            reader =>
            {
                var pair = sums.Pair(reader.GetString(0));
                pair.Conversations = ToInt(reader, 1);
                pair.Messages = ToLong(reader, 2);
                pair.Refused = ToInt(reader, 3);
                pair.Loops = ToInt(reader, 4);
                pair.WithEnd = ToInt(reader, 5);
                pair.AfterFirstEnd = ToLong(reader, 6);
                pair.TokensAfterFirstEnd = ToLong(reader, 7);
                pair.CostAfterFirstEnd = ReadAggregateCost(reader, 8);
            });
        await ReadGroupsAsync(
            "s.model, COUNT(*), SUM(s.messages), SUM(s.words), SUM(s.refusals), SUM(CASE WHEN s.refusals > 0 THEN 1 ELSE 0 END), " +
            "SUM(CASE WHEN a.goodbye_loop_length > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN s.ended_first THEN 1 ELSE 0 END), " +
            "SUM(CASE WHEN a.first_end IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN a.first_end IS NULL THEN 0 ELSE a.messages_after_first_end END), " +
            "SUM(CASE WHEN a.first_end IS NULL THEN 0 ELSE s.tokens_after_first_end END), " +
            "SUM(CASE WHEN a.first_end IS NULL THEN NULL ELSE s.cost_after_first_end END), SUM(s.emoji), SUM(s.garbled), SUM(s.judged)",
            "s.model",
            reader =>
            {
                var model = sums.Model(reader.GetString(0));
                model.Conversations = ToInt(reader, 1);
                model.Messages = ToLong(reader, 2);
                model.Words = ToLong(reader, 3);
                model.Refusals = ToLong(reader, 4);
                model.Refused = ToInt(reader, 5);
                model.Loops = ToInt(reader, 6);
                model.FirstToEnd = ToInt(reader, 7);
                model.WithEnd = ToInt(reader, 8);
                model.AfterFirstEnd = ToLong(reader, 9);
                model.TokensAfterFirstEnd = ToLong(reader, 10);
                model.CostAfterFirstEnd = ReadAggregateCost(reader, 11);
                model.Emoji = ToLong(reader, 12);
                model.Garbled = ToLong(reader, 13);
                model.Judged = ToLong(reader, 14);
            },
            " JOIN analysis_seats s ON s.conversation_id = c.id");

        // Keywords and emoji: summing every seat's vocabulary of a large store would read it all, so each model's newest
        // seats stand for it (the page says how many).
        foreach (var (name, model) in sums.Models)
        {
            await using var command = Command(connection, null, "");
            var where = BuildWhere(command, unlimited, after: null, "s.model = @model");
            command.CommandText = $"SELECT s.vocabulary FROM conversations c{Analysed} JOIN analysis_seats s ON s.conversation_id = c.id{where} ORDER BY c.id DESC LIMIT @sample";
            AddInt32(command, "version", version);
            AddText(command, "model", name);
            AddInt32(command, "sample", vocabularySample);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var vocabulary = JsonSerializer.Deserialize(reader.GetString(0), StoreJsonContext.Default.VocabularyRow);
                if (vocabulary is null)
                {
                    continue;
                }

                sums.AddWords(model, vocabulary.Words);
                foreach (var (emoji, n) in vocabulary.Emoji)
                {
                    model.EmojiCounts[emoji] = model.EmojiCounts.GetValueOrDefault(emoji) + n;
                }
            }
        }

        if (includeRows)
        {
            await using var command = Command(connection, null, "");
            var where = BuildWhere(command, unlimited, after: null);
            command.CommandText =
                "SELECT c.title, a.source, a.message_count, a.stop_reason, a.first_end, a.messages_after_first_end, a.goodbye_loop_start, " +
                $"a.goodbye_loop_length, a.refusals, a.near_duplicates, a.garbled_words FROM conversations c{Analysed}{where} ORDER BY c.id";
            AddInt32(command, "version", version);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sums.Rows.Add(new ConversationRow(
                    reader.GetString(0),
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

        return new StoredCorpus(sums.ToAnalysis(options), matching, matching - sums.Conversations);

        async Task ReadGroupsAsync(string columns, string groupBy, Action<DbDataReader> read, string join = "")
        {
            await using var command = Command(connection, null, "");
            var where = BuildWhere(command, unlimited, after: null);
            command.CommandText = $"SELECT {columns} FROM conversations c{Analysed}{join}{where} GROUP BY {groupBy}";
            AddInt32(command, "version", version);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                read(reader);
            }
        }
    }

    private static int ToInt(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static long ToLong(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static DateTimeOffset? FromUnixMilliseconds(long? milliseconds) =>
        milliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
