using Crosstalk.Storage.Sql;
using Crosstalk.Transcripts;

namespace Crosstalk.Storage.Tests;

/// <summary>
/// Everything a transcript store must do, whichever database holds it. Each provider's test class derives from this
/// and supplies a fresh, empty database per test.
/// </summary>
public abstract partial class TranscriptStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 4, 15, 0, TimeSpan.FromHours(1));

    /// <summary>The <c>--db</c> value of this test's database.</summary>
    protected string Db { get; private set; } = "";

    protected ITranscriptStore Store { get; private set; } = null!;

    /// <summary>Creates a fresh, empty database and returns its <c>--db</c> value.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Removes the database made by <see cref="CreateDatabaseAsync"/>.</summary>
    protected abstract Task DropDatabaseAsync();

    /// <summary>Runs raw SQL against the database, bypassing the store (to simulate other writers).</summary>
    protected abstract Task ExecuteRawAsync(string sql);

    public async Task InitializeAsync()
    {
        Db = await CreateDatabaseAsync();
        Store = await TranscriptStore.OpenAsync(Db);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await DropDatabaseAsync();
    }

    /// <summary>Closes the store without completing anything (as a crash would leave it) and opens it again.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await TranscriptStore.OpenAsync(Db);
    }

    [Fact]
    public async Task AppendMessage_RichTranscript_RoundTripsEveryField()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "pairs", Started = T0 });
        var header = Header("Kimi K2", "moonshot:kimi-k2", "GPT-4o", "openai:gpt-4o");
        header.Metadata["seed"] = "42";
        header.Metadata["ünïcode"] = "✓ ↔ 💬";
        var id = await Store.CreateConversationAsync(runId, header, """{"maxTurns":96}""");
        var messages = RichMessages();
        for (var i = 0; i < messages.Count; i++)
        {
            await Store.AppendMessageAsync(id, i + 1, messages[i]);
        }

        var ended = new DateTimeOffset(2026, 11, 23, 9, 46, 1, TimeSpan.FromHours(5.5)).AddTicks(1234560);
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.EndToken, 2, 3, "Seat 2 ended with [END]."), ended);

        var read = await Store.GetTranscriptAsync(id);

        Assert.NotNull(read);
        Assert.Equal("Kimi K2 ↔ GPT-4o", read.Title);
        Assert.Equal(header.Participants, read.Participants);
        AssertTime(header.Started, read.Started);
        AssertTime(ended, read.Ended);
        Assert.Equal(new StopInfo(StopReasons.EndToken, 2, 3, "Seat 2 ended with [END]."), read.Stop);
        Assert.Equal(header.Metadata, read.Metadata);
        Assert.Equal(messages.Count, read.Messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            AssertSameMessage(messages[i], read.Messages[i]);
        }

        Assert.Equal("""{"maxTurns":96}""", await Store.GetConversationSpecAsync(id));
    }

    /// <summary>
    /// A NUL in a model's reply (PostgreSQL's text and jsonb refuse it) and the noncharacter PostgreSQL's escape uses are
    /// stored and read back exactly, in every kind of field, and found by search.
    /// </summary>
    [Theory]
    [InlineData("nul\0inside")]
    [InlineData("\0")]
    [InlineData("mark \uFFFF and nul \0 and mark-zero \uFFFF0 and escaped \\u0000 text")]
    [InlineData("\uFFFF")]
    public async Task ControlCharacters_InEveryField_RoundTripExactly(string text)
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "n" + text, Started = T0, Metadata = new Dictionary<string, string> { ["k" + text] = "v" + text } });
        var header = Header("A" + text, "m" + text, "B", null);
        header.Title = "t" + text;
        header.Metadata["note"] = text;
        var id = await Store.CreateConversationAsync(runId, header, "{\"opener\":" + System.Text.Json.JsonSerializer.Serialize(text) + "}");
        var message = new TranscriptMessage
        {
            Seat = 1,
            Speaker = "A" + text,
            Content = "needle c" + text,
            Reasoning = "r" + text,
            FinishReason = "f" + text,
            SentAs = "s" + text,
            Attempts = [new Attempt(1, "e" + text, 500, TimeSpan.FromSeconds(1))],
        };
        await Store.AppendMessageAsync(id, 1, message);
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.Error, 1, 1, "d" + text) { Attempts = [new Attempt(1, "x" + text)] }, T0.AddMinutes(1));

        var read = (await Store.GetTranscriptAsync(id))!;
        Assert.Equal("t" + text, read.Title);
        Assert.Equal(header.Participants, read.Participants);
        Assert.Equal(text, read.Metadata["note"]);
        AssertSameMessage(message, read.Messages[0]);
        Assert.Equal("d" + text, read.Stop!.Detail);
        Assert.Equal("x" + text, Assert.Single(read.Stop.Attempts).Error);
        Assert.Equal("{\"opener\":" + System.Text.Json.JsonSerializer.Serialize(text) + "}", await Store.GetConversationSpecAsync(id));
        var run = (await Store.GetRunAsync(runId))!;
        Assert.Equal("n" + text, run.ExperimentName);
        Assert.Equal("v" + text, run.Metadata["k" + text]);
        var summary = Assert.Single(await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)));
        Assert.Equal("A" + text, summary.Participants[0].Name);
        Assert.Equal("needle c" + text, Assert.Single(await ToListAsync(Store.SearchMessagesAsync("needle", 10))).Content);
    }

    [Fact]
    public async Task Search_AWordBesideANul_IsFoundAsWritten_NotAsTheStoreKeepsIt()
    {
        // PostgreSQL keeps a NUL as U+FFFF '0': its index read "a<NUL>bravo" as the word "0bravo".
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = "alpha\0bravo" });
        await Store.AppendMessageAsync(id, 2, new TranscriptMessage { Seat = 2, Speaker = "B", Content = "\0" });

        Assert.Equal("alpha\0bravo", Assert.Single(await ToListAsync(Store.SearchMessagesAsync("bravo", 10))).Content);
        Assert.Equal(1, await Store.CountConversationsAsync(new ConversationQuery { Text = "bravo" }));
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("0bravo", 10)));
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("0", 10)));
    }

    [Fact]
    public async Task AppendMessage_AMegabyteOfDistinctWords_IsStoredAndItsOpeningFound()
    {
        // More words than a PostgreSQL tsvector holds: the insert failed, and with it the batch the reply came in.
        var text = string.Join(' ', Enumerable.Range(0, 150_000).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = text });

        Assert.Equal(text, (await Store.GetTranscriptAsync(id))!.Messages[0].Content);
        Assert.Equal(1, await Store.CountConversationsAsync(new ConversationQuery { Text = "w1234" }));
    }

    [Fact]
    public async Task Costs_WhoseSumHasMoreDigitsThanADecimal_AreListed()
    {
        // Each cost fits a decimal; PostgreSQL adds them exactly, and reading the sum threw in every list of the store.
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "costs", Started = T0 });
        var id = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = "a", Cost = 5.9999999999999999999999999999m });
        await Store.AppendMessageAsync(id, 2, new TranscriptMessage { Seat = 2, Speaker = "B", Content = "b", Cost = 5.9999999999999999999999999999m });

        var conversation = Assert.Single(await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)));
        var run = Assert.Single(await ToListAsync(Store.ListRunsAsync()));

        Assert.InRange(conversation.TotalCost!.Value, 11.999999m, 12.000001m);
        Assert.InRange(run.TotalCost!.Value, 11.999999m, 12.000001m);
    }

    [Theory]
    [InlineData(201, 10, 10, "seat 1's name is 201 characters long; a store keeps names of at most 200")]
    [InlineData(10, 201, 10, "seat 1's model is 201 characters long; a store keeps model ids of at most 200")]
    [InlineData(10, 10, 101, "the stop reason is 101 characters long; a store keeps reasons of at most 100")]
    public async Task CreateConversation_ALabelLongerThanAStoreIndexes_IsRefusedInOneSentence(int name, int model, int reason, string expected)
    {
        // PostgreSQL refuses an index entry over 2,704 bytes: a 3,000-character name stopped a whole import there.
        var header = Header(new string('n', name), new string('m', model), "B", null);
        header.Stop = new StopInfo(new string('r', reason));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateConversationAsync(null, header, null));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Store.CountConversationsAsync(ConversationQuery.All));
    }

    [Fact]
    public async Task CreateConversation_WholeTranscript_ImportsMessagesAndStop()
    {
        var transcript = Header("A", null, "B", null);
        foreach (var message in RichMessages())
        {
            transcript.Messages.Add(message);
        }

        transcript.Ended = T0.AddHours(1);
        transcript.Stop = new StopInfo(StopReasons.MaxMessages, Message: 3);

        var id = await Store.CreateConversationAsync(null, transcript, null);
        var read = await Store.GetTranscriptAsync(id);

        Assert.NotNull(read);
        Assert.Equal(3, read.Messages.Count);
        Assert.Equal(transcript.Stop, read.Stop);
        AssertTime(transcript.Ended, read.Ended);
        var summary = Assert.Single(await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)));
        Assert.Equal(3, summary.MessageCount);
        Assert.Equal(StopReasons.MaxMessages, summary.StopReason);
        Assert.Null(summary.RunId);
        Assert.Null(await Store.GetConversationSpecAsync(id));
    }

    [Fact]
    public async Task AppendMessage_SameMessageAtStoredIndex_IsNoOp()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        var messages = RichMessages();
        await Store.AppendMessageAsync(id, 1, messages[0]);
        await Store.AppendMessageAsync(id, 2, messages[1]);

        await Store.AppendMessageAsync(id, 2, messages[1]);
        await Store.AppendMessageAsync(id, 1, messages[0]);
        var reread = (await Store.GetTranscriptAsync(id))!.Messages[1];
        await Store.AppendMessageAsync(id, 2, reread);

        var read = await Store.GetTranscriptAsync(id);
        Assert.Equal(2, read!.Messages.Count);
        var summary = Assert.Single(await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)));
        Assert.Equal(2, summary.MessageCount);
        Assert.Equal(messages[0].Usage!.TotalTokens + messages[1].Usage!.TotalTokens, summary.TotalTokens);
        Assert.Equal(messages[0].Cost + messages[1].Cost, summary.TotalCost);
    }

    [Fact]
    public async Task AppendMessage_DifferentMessageAtStoredIndex_ThrowsAndKeepsTheStoredOne()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, "first"));

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => Store.AppendMessageAsync(id, 1, Message(1, "rewritten")));

        Assert.Contains("content", error.Message, StringComparison.Ordinal);
        Assert.Equal("first", Assert.Single((await Store.GetTranscriptAsync(id))!.Messages).Content);
    }

    [Fact]
    public async Task AppendMessage_ManyWritersAtOnceOneConflicting_OnlyTheConflictFailsAndEveryOtherMessageIsStored()
    {
        // Sixteen conversations append at once (the SQLite store commits such writes together); one write in the
        // middle rewrites a stored message and must fail alone, without taking its neighbours' writes with it.
        var ids = new long[16];
        for (var c = 0; c < ids.Length; c++)
        {
            ids[c] = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        }

        await Store.AppendMessageAsync(ids[7], 1, Message(1, "kept"));
        var conflict = Task.Run(async () =>
        {
            await Task.Delay(5);
            await Store.AppendMessageAsync(ids[7], 1, Message(1, "rewritten"));
        });
        var writers = ids.Select((id, c) => Task.Run(async () =>
        {
            for (var i = c == 7 ? 2 : 1; i <= 12; i++)
            {
                await Store.AppendMessageAsync(id, i, Message(i % 2 == 1 ? 1 : 2, $"conversation {c} message {i}"));
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await Assert.ThrowsAsync<TranscriptStoreException>(() => conflict);
        await ReopenAsync();
        for (var c = 0; c < ids.Length; c++)
        {
            var messages = (await Store.GetTranscriptAsync(ids[c]))!.Messages;
            Assert.Equal(12, messages.Count);
            Assert.Equal(c == 7 ? "kept" : $"conversation {c} message 1", messages[0].Content);
            Assert.Equal($"conversation {c} message 12", messages[11].Content);
        }
    }

    [Fact]
    public async Task AppendMessage_Gap_ThrowsAndStoresNothing()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, "one"));

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => Store.AppendMessageAsync(id, 3, Message(1, "three")));

        Assert.Contains("next one is number 2, not 3", error.Message, StringComparison.Ordinal);
        Assert.Single((await Store.GetTranscriptAsync(id))!.Messages);
    }

    [Fact]
    public async Task AppendMessage_UnknownConversation_Throws()
    {
        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => Store.AppendMessageAsync(12345, 1, Message(1, "hi")));

        Assert.Contains("no conversation 12345", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendMessage_AfterReopenWithoutComplete_ContinuesWhereItStopped()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "resume", Started = T0 });
        var id = await Store.CreateConversationAsync(runId, Header("A", "m:a", "B", "m:b"), """{"spec":1}""");
        await Store.AppendMessageAsync(id, 1, Message(1, "one"));
        await Store.AppendMessageAsync(id, 2, Message(2, "two"));

        await ReopenAsync();

        Assert.Equal([id], await Store.GetUnfinishedConversationsAsync(runId));
        var sofar = await Store.GetTranscriptAsync(id);
        Assert.Equal(["one", "two"], sofar!.Messages.Select(m => m.Content));
        await Store.AppendMessageAsync(id, 2, sofar.Messages[1]);
        await Store.AppendMessageAsync(id, 3, Message(1, "three"));
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.MaxMessages), T0.AddMinutes(5));

        Assert.Empty(await Store.GetUnfinishedConversationsAsync(runId));
        Assert.Equal(["one", "two", "three"], (await Store.GetTranscriptAsync(id))!.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task AppendMessage_FirstMessageOfAConversationCreatedBeforeItRan_RecordsWhenItStarted()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "planned", Started = T0 });
        var header = Header("A", null, "B", null);
        header.Started = null;
        var planned = await Store.CreateConversationAsync(runId, header, null);
        var known = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        var first = T0.AddMinutes(5);

        await Store.AppendMessageAsync(planned, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = " ", Timestamp = first });
        await Store.AppendMessageAsync(planned, 2, new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hi.", Timestamp = first.AddSeconds(3) });
        await Store.AppendMessageAsync(known, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = " ", Timestamp = first });

        Assert.Equal(first, (await Store.GetTranscriptAsync(planned))!.Started);
        Assert.Equal(T0, (await Store.GetTranscriptAsync(known))!.Started);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateConversation_WithItsMessages_KeepsWhatAppendingThemOneByOneKeeps(bool withCost)
    {
        // An import stores a conversation with its messages in one go; the totals, the start and the messages must be
        // the ones a run that appended them message by message leaves.
        var first = T0.AddMinutes(5);
        List<TranscriptMessage> Messages() =>
        [
            new() { Seat = 1, Speaker = "A", Content = "Hello.", Usage = new TokenUsage(10, 20), Cost = withCost ? 0.25m : null, Timestamp = first },
            new() { Seat = 2, Speaker = "B", Content = "Hi.", Usage = new TokenUsage(3, 4), Timestamp = first.AddSeconds(2) },
            new() { Seat = 1, Speaker = "A", Content = "Bye.", Cost = withCost ? 0.5m : null, Timestamp = first.AddSeconds(4) },
        ];
        var whole = Header("A", null, "B", null);
        whole.Started = null;
        foreach (var message in Messages())
        {
            whole.Messages.Add(message);
        }

        var atOnce = await Store.CreateConversationAsync(null, whole, null);
        var header = Header("A", null, "B", null);
        header.Started = null;
        var appended = await Store.CreateConversationAsync(null, header, null);
        var index = 0;
        foreach (var message in Messages())
        {
            await Store.AppendMessageAsync(appended, ++index, message);
        }

        var summaries = await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All));
        var a = summaries.Single(s => s.Id == atOnce);
        var b = summaries.Single(s => s.Id == appended);
        Assert.Equal((3, 37L, withCost ? 0.75m : (decimal?)null, first), (a.MessageCount, a.TotalTokens, a.TotalCost, a.Started));
        Assert.Equal((b.MessageCount, b.TotalTokens, b.TotalCost, b.Started), (a.MessageCount, a.TotalTokens, a.TotalCost, a.Started));
        async Task<string> MessagesOf(long id) =>
            Crosstalk.Transcripts.Formats.TranscriptJson.Write(new Transcript { Messages = (await Store.GetTranscriptAsync(id))!.Messages });
        Assert.Equal(await MessagesOf(appended), await MessagesOf(atOnce));

        // And the next message goes on from there, as after any append.
        await Store.AppendMessageAsync(atOnce, 4, Message(2, "Bye!"));
        Assert.Equal(4, (await Store.GetTranscriptAsync(atOnce))!.Messages.Count);
    }

    [Fact]
    public async Task ReopenFailedConversations_ClearsOnlyThatRunsErrorStops_KeepsMessages_AndTheyCanEndAgain()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "outage", Started = T0 });
        var otherRun = await Store.CreateRunAsync(new RunRecord { ExperimentName = "other", Started = T0 });
        var failed = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        var done = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        var elsewhere = await Store.CreateConversationAsync(otherRun, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(failed, 1, new TranscriptMessage { Seat = 1, Speaker = "A", Content = "kept" });
        await Store.CompleteConversationAsync(failed, new StopInfo(StopReasons.Error, 2, null, "B failed on message 2: unreachable"), T0);
        await Store.CompleteConversationAsync(done, new StopInfo(StopReasons.EndToken, 1, 1), T0);
        await Store.CompleteConversationAsync(elsewhere, new StopInfo(StopReasons.Error), T0);
        var listed = Assert.Single(await ToListAsync(Store.ListConversationsAsync(new ConversationQuery { RunId = runId, StopReason = StopReasons.Error })));
        Assert.Equal("B failed on message 2: unreachable", listed.StopDetail);

        Assert.Equal([failed], await Store.ReopenFailedConversationsAsync(runId));

        Assert.Equal([failed], await Store.GetUnfinishedConversationsAsync(runId));
        var reopened = await Store.GetTranscriptAsync(failed);
        Assert.Null(reopened!.Stop);
        Assert.Null(reopened.Ended);
        Assert.Equal("kept", Assert.Single(reopened.Messages).Content);
        Assert.Equal(StopReasons.Error, (await Store.GetTranscriptAsync(elsewhere))!.Stop!.Reason);
        Assert.Empty(await Store.ReopenFailedConversationsAsync(runId));

        // Resumed, it ends like any other conversation.
        await Store.AppendMessageAsync(failed, 2, new TranscriptMessage { Seat = 2, Speaker = "B", Content = "back" });
        await Store.CompleteConversationAsync(failed, new StopInfo(StopReasons.MaxMessages, 2, 2), T0);
        Assert.Empty(await Store.GetUnfinishedConversationsAsync(runId));
    }

    [Fact]
    public async Task EndedWithoutAStopReason_LikeAnImportedSeed_CountsAsFinished()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "import", Started = T0 });
        var header = Header("A", null, "B", null);
        header.Ended = T0.AddMinutes(1);
        header.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " });
        await Store.CreateConversationAsync(runId, header, null);

        Assert.Empty(await Store.GetUnfinishedConversationsAsync(runId));
        var run = Assert.Single(await ToListAsync(Store.ListRunsAsync()), r => r.Id == runId);
        Assert.Equal((1, 1), (run.Conversations, run.Finished));
        Assert.Equal(0, await Store.CountConversationsAsync(new ConversationQuery { UnfinishedOnly = true }));
    }

    [Fact]
    public async Task GetUnfinishedConversations_MixedRun_ReturnsNeverCompletedAndInterruptedOnly()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "mixed", Started = T0 });
        var otherRun = await Store.CreateRunAsync(new RunRecord { ExperimentName = "other", Started = T0 });
        var open = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        var done = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        var interrupted = await Store.CreateConversationAsync(runId, Header("A", null, "B", null), null);
        await Store.CreateConversationAsync(otherRun, Header("A", null, "B", null), null);
        await Store.CompleteConversationAsync(done, new StopInfo(StopReasons.EndToken, 1, 1), T0);
        await Store.CompleteConversationAsync(interrupted, new StopInfo(StopReasons.Interrupted), T0);

        Assert.Equal([open, interrupted], await Store.GetUnfinishedConversationsAsync(runId));

        var runs = await ToListAsync(Store.ListRunsAsync());
        var run = Assert.Single(runs, r => r.Id == runId);
        Assert.Equal("mixed", run.ExperimentName);
        Assert.Equal(3, run.Conversations);
        Assert.Equal(1, run.Finished);
    }

    [Fact]
    public async Task CompleteConversation_AgainSameOrAfterInterrupt_IsAllowedButDifferentStopThrows()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.Interrupted), T0);
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.EndToken, 2, 7), T0.AddMinutes(1));
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.EndToken, 2, 7), T0.AddMinutes(1));

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(
            () => Store.CompleteConversationAsync(id, new StopInfo(StopReasons.Error), T0.AddMinutes(2)));

        Assert.Contains("already ended (end-token)", error.Message, StringComparison.Ordinal);
        Assert.Equal(new StopInfo(StopReasons.EndToken, 2, 7), (await Store.GetTranscriptAsync(id))!.Stop);
    }

    [Fact]
    public async Task CreateRun_EmptyId_GeneratesReadableIdAndRoundTrips()
    {
        var run = new RunRecord
        {
            ExperimentName = "kimi-vs-4o",
            Started = new DateTimeOffset(2026, 11, 23, 5, 15, 0, TimeSpan.FromHours(1)),
            Metadata = new Dictionary<string, string> { ["host"] = "lab-1" },
            SpecJson = """{"pairs":2}""",
        };

        var id = await Store.CreateRunAsync(run);
        var other = await Store.CreateRunAsync(run);

        Assert.Matches("^r-20261123-041500-[0-9a-f]{4}$", id);
        Assert.NotEqual(id, other);
        var read = await Store.GetRunAsync(id);
        Assert.NotNull(read);
        Assert.Equal("kimi-vs-4o", read.ExperimentName);
        Assert.Equal(run.Started, read.Started);
        Assert.Equal("lab-1", read.Metadata["host"]);
        Assert.Equal("""{"pairs":2}""", read.SpecJson);
        Assert.Null(await Store.GetRunAsync("r-missing"));
    }

    [Fact]
    public async Task CreateRun_ExistingExplicitId_Throws()
    {
        await Store.CreateRunAsync(new RunRecord { Id = "nightly", ExperimentName = "e", Started = T0 });

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(
            () => Store.CreateRunAsync(new RunRecord { Id = "nightly", ExperimentName = "e", Started = T0 }));

        Assert.Contains("already has a run with id nightly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateConversation_UnknownRunOrParent_ThrowsAndCreatesNothing()
    {
        await Assert.ThrowsAsync<TranscriptStoreException>(
            () => Store.CreateConversationAsync("r-nope", Header("A", null, "B", null), null));
        var fork = Header("A", null, "B", null);
        fork.Metadata[StoreMetadataKeys.ParentId] = "999";
        await Assert.ThrowsAsync<TranscriptStoreException>(() => Store.CreateConversationAsync(null, fork, null));

        Assert.Equal(0, await Store.CountConversationsAsync(ConversationQuery.All));
    }

    [Fact]
    public async Task CreateConversation_Fork_KeepsParentInMetadata()
    {
        var parent = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        var fork = Header("A", null, "B", null);
        fork.Metadata[StoreMetadataKeys.ParentId] = parent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        fork.Metadata[StoreMetadataKeys.ForkedAt] = "4";

        var id = await Store.CreateConversationAsync(null, fork, null);

        var read = await Store.GetTranscriptAsync(id);
        Assert.Equal(fork.Metadata, read!.Metadata);
    }

    [Fact]
    public async Task ListConversations_EachFilter_SelectsTheMatchingConversations()
    {
        var runA = await Store.CreateRunAsync(new RunRecord { ExperimentName = "a", Started = T0 });
        var runB = await Store.CreateRunAsync(new RunRecord { ExperimentName = "b", Started = T0 });

        // Started times in different offsets: the filters must compare instants, not text.
        var c1 = await CreateAsync(runA, "Kimi K2", "moonshot:kimi-k2", "GPT-4o", "openai:gpt-4o",
            new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(9)), 3, StopReasons.EndToken, "the lighthouse keeper waved");
        var c2 = await CreateAsync(runA, "Kimi K2", "moonshot:kimi-k2", "Grok 4", "xai:grok-4",
            new DateTimeOffset(2026, 1, 1, 2, 30, 0, TimeSpan.Zero), 5, StopReasons.MaxMessages, "a quiet harbour");
        var c3 = await CreateAsync(runB, "Eliza", "offline:eliza", "Parrot", "offline:parrot",
            new DateTimeOffset(2025, 12, 31, 20, 0, 0, TimeSpan.FromHours(-5)), 1, null, "LIGHTHOUSE at dawn");

        async Task<long[]> Ids(ConversationQuery q) => (await ToListAsync(Store.ListConversationsAsync(q))).Select(s => s.Id).ToArray();

        Assert.Equal([c1, c2, c3], await Ids(ConversationQuery.All));
        Assert.Equal([c1, c2], await Ids(new ConversationQuery { RunId = runA }));
        Assert.Equal([c2], await Ids(new ConversationQuery { Participant = "GROK" }));
        Assert.Equal([c3], await Ids(new ConversationQuery { Participant = "offline:" }));
        Assert.Equal([c1, c2], await Ids(new ConversationQuery { Participant = "kimi k2" }));
        Assert.Empty(await Ids(new ConversationQuery { Participant = "%" }));
        Assert.Equal([c1], await Ids(new ConversationQuery { StopReason = StopReasons.EndToken }));
        Assert.Equal([c1, c2], await Ids(new ConversationQuery { MinMessages = 3 }));
        Assert.Equal([c1, c3], await Ids(new ConversationQuery { MaxMessages = 3 }));
        Assert.Equal([c3], await Ids(new ConversationQuery { UnfinishedOnly = true }));
        Assert.Equal([c1, c3], await Ids(new ConversationQuery { Text = "lighthouse" }));

        // c1 started 01:00Z, c2 02:30Z, c3 01:00Z on Jan 1 (20:00-05:00 the day before).
        Assert.Equal([c2], await Ids(new ConversationQuery { StartedFrom = new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.FromHours(1)) }));
        Assert.Equal([c1, c3], await Ids(new ConversationQuery { StartedTo = new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero) }));
        Assert.Equal([c3, c2, c1], await Ids(new ConversationQuery { Descending = true }));
        Assert.Equal([c2], await Ids(new ConversationQuery { Offset = 1, Limit = 1 }));
        Assert.Equal([c2, c1], await Ids(new ConversationQuery { RunId = runA, Descending = true, Limit = 5 }));
        Assert.Equal([c1], await Ids(new ConversationQuery { RunId = runA, Participant = "gpt", MinMessages = 2, Text = "keeper" }));

        var summary = (await ToListAsync(Store.ListConversationsAsync(new ConversationQuery { RunId = runB }))).Single();
        Assert.Equal("Eliza ↔ Parrot", summary.Title);
        Assert.Equal(runB, summary.RunId);
        Assert.Equal([new Participant(1, "Eliza", "offline:eliza"), new Participant(2, "Parrot", "offline:parrot")], summary.Participants);
        Assert.Equal(1, summary.MessageCount);
        Assert.Null(summary.Ended);
        Assert.Equal(30, summary.TotalTokens);
        Assert.Equal(0.001m, summary.TotalCost);
    }

    [Fact]
    public async Task CountConversations_WithFilters_MatchesListingIgnoringPaging()
    {
        var run = await Store.CreateRunAsync(new RunRecord { ExperimentName = "count", Started = T0 });
        for (var i = 0; i < 7; i++)
        {
            await CreateAsync(run, "A", "m:a", "B", i % 2 == 0 ? "m:even" : "m:odd", T0.AddMinutes(i), i + 1,
                i < 5 ? StopReasons.EndToken : null, $"message number {i}");
        }

        Assert.Equal(7, await Store.CountConversationsAsync(ConversationQuery.All));
        Assert.Equal(4, await Store.CountConversationsAsync(new ConversationQuery { Participant = "even", Limit = 1, Offset = 2 }));
        Assert.Equal(2, await Store.CountConversationsAsync(new ConversationQuery { UnfinishedOnly = true }));
        Assert.Equal(3, await Store.CountConversationsAsync(new ConversationQuery { MinMessages = 3, MaxMessages = 5 }));
        Assert.Equal(1, await Store.CountConversationsAsync(new ConversationQuery { Text = "number 4" }));
        Assert.Equal(7, await Store.CountConversationsAsync(new ConversationQuery { Text = "number" }));
    }

    [Fact]
    public async Task SearchMessages_WordInsideMessage_FindsItIgnoringCase()
    {
        var id = await Store.CreateConversationAsync(null, Header("Kimi K2", null, "GPT-4o", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, " "));
        await Store.AppendMessageAsync(id, 2, Message(2, "We keep circling back to the Lighthouse, don't we? " + new string('x', 300)));
        await Store.AppendMessageAsync(id, 3, Message(1, "A Café by the sea. [END]"));

        var hits = await ToListAsync(Store.SearchMessagesAsync("lighthouse", 10));
        var hit = Assert.Single(hits);
        Assert.Equal(id, hit.ConversationId);
        Assert.Equal("Kimi K2 ↔ GPT-4o", hit.ConversationTitle);
        Assert.Equal(2, hit.Index);
        Assert.Equal(2, hit.Seat);
        Assert.Equal("B", hit.Speaker);
        Assert.Contains("Lighthouse", hit.Snippet, StringComparison.Ordinal);
        Assert.EndsWith("…", hit.Snippet, StringComparison.Ordinal);

        Assert.Equal(3, Assert.Single(await ToListAsync(Store.SearchMessagesAsync("CAFÉ SEA", 10))).Index);
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("lighthouse café", 10)));
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("   ", 10)));
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("\0", 10)));

        // Quoted: a phrase, its words together and in order; a single quoted word is just that word.
        Assert.Equal(2, Assert.Single(await ToListAsync(Store.SearchMessagesAsync("\"circling back\"", 10))).Index);
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("\"back circling\"", 10)));
        Assert.Equal(2, Assert.Single(await ToListAsync(Store.SearchMessagesAsync("\"lighthouse\"", 10))).Index);
        Assert.Equal(1, await Store.CountConversationsAsync(new ConversationQuery { Text = "\"keep circling\" \"the lighthouse\"" }));
    }

    [Theory]
    [InlineData("'); DROP TABLE messages; --")]
    [InlineData("\" OR 1=1 --")]
    [InlineData("NEAR(a b) AND * OR NOT \"")]
    [InlineData("content:x ^y (z")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    [InlineData("'")]
    [InlineData("\"")]
    [InlineData("\"\"")]
    public async Task SearchMessages_HostileQuery_IsMatchedAsTextNeverAsSql(string query)
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, "an ordinary message"));
        await Store.AppendMessageAsync(id, 2, Message(2, "quoting the attacker: " + query + " as written"));

        var hits = await ToListAsync(Store.SearchMessagesAsync(query, 10));
        var listed = await Store.CountConversationsAsync(new ConversationQuery { Text = query, Participant = query });

        Assert.Equal(2, Assert.Single(hits).Index);
        Assert.Equal(0, listed);
        Assert.Equal(2, (await Store.GetTranscriptAsync(id))!.Messages.Count);
        Assert.Single(await ToListAsync(Store.SearchMessagesAsync("ordinary", 10)));
    }

    [Fact]
    public async Task SearchMessages_TermWithPunctuation_MatchesItLiterally()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, "This is the end of it."));
        await Store.AppendMessageAsync(id, 2, Message(2, "Goodbye, friend. [END]"));
        await Store.AppendMessageAsync(id, 3, Message(1, "---"));

        Assert.Equal([2], (await ToListAsync(Store.SearchMessagesAsync("[end]", 10))).Select(h => h.Index));
        Assert.Equal([2], (await ToListAsync(Store.SearchMessagesAsync("friend. [END]", 10))).Select(h => h.Index));
        Assert.Equal([1, 2], (await ToListAsync(Store.SearchMessagesAsync("END", 10))).Select(h => h.Index));
        Assert.Equal([3], (await ToListAsync(Store.SearchMessagesAsync("---", 10))).Select(h => h.Index));
        Assert.Empty(await ToListAsync(Store.SearchMessagesAsync("[]", 10)));
    }

    [Fact]
    public async Task SearchMessages_Limit_ReturnsAtMostThatManyInConversationOrder()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        for (var i = 1; i <= 6; i++)
        {
            await Store.AppendMessageAsync(id, i, Message(i % 2 == 1 ? 1 : 2, $"goodbye number {i}"));
        }

        var hits = await ToListAsync(Store.SearchMessagesAsync("goodbye", 4));

        Assert.Equal([1, 2, 3, 4], hits.Select(h => h.Index));
    }

    [Fact]
    public async Task ReadTranscripts_TwoThousandConversations_StreamsEveryOneInOrder()
    {
        const int Total = 2000;
        var run = await Store.CreateRunAsync(new RunRecord { ExperimentName = "bulk", Started = T0 });
        for (var i = 0; i < Total; i++)
        {
            var transcript = Header("A", "m:a", "B", "m:b");
            transcript.Messages.Add(Message(1, $"opening {i}"));
            transcript.Messages.Add(Message(2, $"reply {i}"));
            await Store.CreateConversationAsync(run, transcript, null);
        }

        var count = 0;
        long previous = 0;
        await foreach (var transcript in Store.ReadTranscriptsAsync(new ConversationQuery { RunId = run }))
        {
            Assert.Equal($"opening {count}", transcript.Messages[0].Content);
            Assert.Equal(2, transcript.Messages.Count);
            if (count == 0)
            {
                // A reader in the middle of the stream must not hold up writers.
                var extra = await Store.CreateConversationAsync(null, Header("C", null, "D", null), null);
                await Store.AppendMessageAsync(extra, 1, Message(1, "written while streaming"));
            }

            count++;
        }

        await foreach (var summary in Store.ListConversationsAsync(new ConversationQuery { RunId = run }))
        {
            Assert.True(summary.Id > previous);
            previous = summary.Id;
        }

        Assert.Equal(Total, count);
        Assert.Equal(Total, await Store.CountConversationsAsync(new ConversationQuery { RunId = run }));
        Assert.Equal(300, await CountAsync(Store.ReadTranscriptsAsync(new ConversationQuery { RunId = run, Offset = 1700 })));
        Assert.Equal(257, await CountAsync(Store.ReadTranscriptsAsync(new ConversationQuery { RunId = run, Offset = 10, Limit = 257 })));
        var first = await FirstAsync(Store.ReadTranscriptsAsync(new ConversationQuery { RunId = run, Descending = true, Offset = 1 }));
        Assert.Equal($"opening {Total - 2}", first.Messages[0].Content);
        var runSummary = Assert.Single(await ToListAsync(Store.ListRunsAsync()));
        Assert.Equal(2 * Total, runSummary.Messages);
    }

    [Fact]
    public async Task Open_Again_KeepsDataAndAppliesNoMigrationTwice()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.AppendMessageAsync(id, 1, Message(1, "kept"));

        await ReopenAsync();
        await ReopenAsync();

        var version = await ((SqlTranscriptStore)Store).GetSchemaVersionAsync();
        Assert.Equal(Migration.Load(this is SqliteTranscriptStoreTests ? "Sqlite" : "Postgres").Count, version);
        Assert.Equal("kept", Assert.Single((await Store.GetTranscriptAsync(id))!.Messages).Content);
    }

    [Fact]
    public async Task Open_DatabaseFromNewerCrosstalk_FailsWithOneClearSentence()
    {
        await ExecuteRawAsync("INSERT INTO schema_version (version, name) VALUES (999, '0999_future')");
        await Store.DisposeAsync();

        var error = await Assert.ThrowsAsync<TranscriptStoreException>(() => TranscriptStore.OpenAsync(Db));

        var latest = Migration.Load(this is SqliteTranscriptStoreTests ? "Sqlite" : "Postgres").Count;
        Assert.Contains($"has schema version 999, but this Crosstalk knows only up to version {latest}", error.Message, StringComparison.Ordinal);
        Store = await TranscriptStoreForCleanupAsync();
    }

    [Fact]
    public async Task AppendMessage_EightTasksAtOnce_StoresEveryMessageOnceInOrder()
    {
        const int Conversations = 8;
        const int PerConversation = 40;
        var ids = new List<long>();
        for (var i = 0; i < Conversations; i++)
        {
            ids.Add(await Store.CreateConversationAsync(null, Header("A", null, "B", null), null));
        }

        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            for (var n = 1; n <= PerConversation; n++)
            {
                var message = Message(n % 2 == 1 ? 1 : 2, $"c{id} m{n}");
                await Store.AppendMessageAsync(id, n, message);
                if (n % 10 == 0)
                {
                    await Store.AppendMessageAsync(id, n, message);
                }
            }
        })));

        // Two writers racing to append the same message to one conversation: one stores it, the other finds it there.
        var shared = ids[0];
        var racing = Message(1, "raced");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.AppendMessageAsync(shared, PerConversation + 1, racing))));

        foreach (var id in ids)
        {
            var transcript = await Store.GetTranscriptAsync(id);
            var expected = Enumerable.Range(1, PerConversation).Select(n => $"c{id} m{n}").ToList();
            if (id == shared)
            {
                expected.Add("raced");
            }

            Assert.Equal(expected, transcript!.Messages.Select(m => m.Content));
        }

        Assert.Equal(Conversations * PerConversation + 1, (await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All))).Sum(s => s.MessageCount));
    }

    [Fact]
    public async Task AppendMessage_ProcessKilledAtRandomMoments_LosesNoAcknowledgedMessageAndWritesNoneTwice()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        await Store.DisposeAsync();
        var random = new Random(20261123);
        var acknowledged = 0;
        for (var round = 0; round < 4; round++)
        {
            using var victim = CrashVictim.Start(Db, id);
            var killAfter = acknowledged + random.Next(3, 80);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (acknowledged < killAfter)
                {
                    var line = await victim.StandardOutput.ReadLineAsync(timeout.Token)
                        ?? throw new InvalidOperationException("The victim exited early: " + await victim.StandardError.ReadToEndAsync());
                    if (line.StartsWith("committed ", StringComparison.Ordinal))
                    {
                        acknowledged = int.Parse(line["committed ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            finally
            {
                victim.Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no flushing, no dispose.
                await victim.WaitForExitAsync();
            }

            Store = await TranscriptStore.OpenAsync(Db);
            var transcript = await Store.GetTranscriptAsync(id);
            var summary = Assert.Single(await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)));
            Assert.True(transcript!.Messages.Count >= acknowledged, $"Round {round}: {acknowledged} acknowledged, {transcript.Messages.Count} stored.");

            // The victim runs ahead of the lines read here, so more may be stored; whatever is stored must be exactly
            // messages 1..n, each whole and in its place.
            for (var i = 0; i < transcript.Messages.Count; i++)
            {
                var expected = CrashVictim.MessageFor(i + 1);
                Assert.Equal(expected.Content, transcript.Messages[i].Content);
                Assert.Equal(expected.Usage, transcript.Messages[i].Usage);
                Assert.Equal(expected.Cost, transcript.Messages[i].Cost);
            }

            Assert.Equal(transcript.Messages.Count, summary.MessageCount);
            Assert.Equal(transcript.Messages.Sum(m => m.Usage!.TotalTokens), summary.TotalTokens);
            acknowledged = transcript.Messages.Count;
            await Store.DisposeAsync();
        }

        Store = await TranscriptStore.OpenAsync(Db);
    }

    /// <summary>Reopens a store for <see cref="DisposeAsync"/> after a test that left the database unopenable.</summary>
    private async Task<ITranscriptStore> TranscriptStoreForCleanupAsync()
    {
        await ExecuteRawAsync("DELETE FROM schema_version WHERE version = 999");
        return await TranscriptStore.OpenAsync(Db);
    }

    private async Task<long> CreateAsync(
        string runId, string a, string modelA, string b, string modelB, DateTimeOffset started, int messages, string? stop, string text)
    {
        var header = Header(a, modelA, b, modelB);
        header.Started = started;
        var id = await Store.CreateConversationAsync(runId, header, null);
        for (var i = 1; i <= messages; i++)
        {
            await Store.AppendMessageAsync(id, i, Message(i % 2 == 1 ? 1 : 2, i == 1 ? text : $"filler {i}", usage: new TokenUsage(10, 20), cost: 0.001m));
        }

        if (stop is not null)
        {
            await Store.CompleteConversationAsync(id, new StopInfo(stop), started.AddMinutes(10));
        }

        return id;
    }

    private void AssertTime(DateTimeOffset? expected, DateTimeOffset? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e && actual is { } a)
        {
            // The instant and the offset it was written with (a transcript read in Berlin is written back in Berlin time).
            Assert.Equal(e.UtcTicks, a.UtcTicks);
            Assert.Equal(e.Offset, a.Offset);
        }
    }

    private void AssertSameMessage(TranscriptMessage expected, TranscriptMessage actual)
    {
        Assert.Equal(expected.Seat, actual.Seat);
        Assert.Equal(expected.Speaker, actual.Speaker);
        Assert.Equal(expected.Content, actual.Content);
        AssertTime(expected.Timestamp, actual.Timestamp);
        Assert.Equal(expected.Usage, actual.Usage);
        Assert.Equal(expected.Cost, actual.Cost);
        Assert.Equal(expected.Latency, actual.Latency);
        Assert.Equal(expected.TimeToFirstToken, actual.TimeToFirstToken);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(expected.Reasoning, actual.Reasoning);
        Assert.Equal(expected.SentAs, actual.SentAs);
        Assert.Equal(expected.Attempts, actual.Attempts);
    }

    [Fact]
    public async Task SetConversationMetadataAsync_NewEntry_KeepsTheOthersAndSurvivesReading()
    {
        var header = Header("Kimi K2", "kimi", "4o", "gpt-4o");
        header.Metadata["seed"] = "7";
        var id = await Store.CreateConversationAsync(null, header, null);

        await Store.SetConversationMetadataAsync(id, "judge.politeness-1-5.gpt-4o", "[{\"score\":4}]");
        await Store.SetConversationMetadataAsync(id, "judge.politeness-1-5.gpt-4o", "[{\"score\":5}]");

        var stored = await Store.GetTranscriptAsync(id);
        Assert.Equal("7", stored!.Metadata["seed"]);
        Assert.Equal("[{\"score\":5}]", stored.Metadata["judge.politeness-1-5.gpt-4o"]);
    }

    [Fact]
    public async Task SetConversationMetadataAsync_UnknownConversation_Throws()
    {
        await Assert.ThrowsAsync<TranscriptStoreException>(() => Store.SetConversationMetadataAsync(987654, "k", "v"));
    }

    protected static Transcript Header(string a, string? modelA, string b, string? modelB)
    {
        var participants = new List<Participant>
        {
            new(1, a, modelA, modelA is null ? null : $"You are {a}. Your messages go to another model."),
            new(2, b, modelB, null),
        };
        return new Transcript
        {
            Title = Transcript.TitleFor(participants),
            Participants = participants,
            Started = T0,
        };
    }

    protected static TranscriptMessage Message(int seat, string content, TokenUsage? usage = null, decimal? cost = null) => new()
    {
        Seat = seat,
        Speaker = seat == 1 ? "A" : "B",
        Content = content,
        Usage = usage,
        Cost = cost,
    };

    /// <summary>Messages using every field, with microsecond times (PostgreSQL's resolution) in odd offsets.</summary>
    private static List<TranscriptMessage> RichMessages() =>
    [
        new()
        {
            Seat = 1,
            Speaker = "Kimi K2",
            Content = " ",
            SentAs = "Hello.",
            Timestamp = new DateTimeOffset(2026, 11, 23, 4, 15, 0, TimeSpan.FromHours(1)).AddTicks(10),
            Usage = new TokenUsage(0, 0, null, Estimated: true),
            Cost = 0m,
        },
        new()
        {
            Seat = 2,
            Speaker = "GPT-4o",
            Content = "### Not a heading\n\n---\n\n```\ncode\n```\nthanation genderotidural ✓ 💬",
            Timestamp = new DateTimeOffset(2026, 11, 23, 8, 45, 1, TimeSpan.FromHours(5.75)).AddTicks(1234560),
            Usage = new TokenUsage(1200, 345, 120),
            Cost = 0.000123456789m,
            Latency = TimeSpan.FromTicks(12_345_670),
            TimeToFirstToken = TimeSpan.FromTicks(4_321_000),
            FinishReason = "stop",
            Reasoning = "The user seems to want…\nstep 2",
            Attempts =
            [
                new Attempt(1, "429 rate limited", 429, TimeSpan.FromMilliseconds(250.5), TimeSpan.FromSeconds(2)),
                new Attempt(2, "timeout", Duration: TimeSpan.FromSeconds(30)),
            ],
        },
        new()
        {
            Seat = 1,
            Speaker = "Kimi K2",
            Content = "Goodbye. [END]",
            Timestamp = new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.FromHours(-8)),
            Usage = new TokenUsage(1600, 12),
            Cost = 12.5m,
            Latency = TimeSpan.FromMilliseconds(800),
            FinishReason = "length",
        },
    ];

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task<int> CountAsync<T>(IAsyncEnumerable<T> items)
    {
        var count = 0;
        await foreach (var _ in items)
        {
            count++;
        }

        return count;
    }

    private static async Task<T> FirstAsync<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var item in items)
        {
            return item;
        }

        throw new InvalidOperationException("The stream was empty.");
    }
}
