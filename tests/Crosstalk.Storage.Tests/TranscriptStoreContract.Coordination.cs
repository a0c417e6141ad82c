using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Storage.Tests;

/// <summary>What lets processes meet in the store: leases, live text, whole runs at once, deletion, content hashes, kept analyses.</summary>
public abstract partial class TranscriptStoreContract
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task TryAcquireLease_TwoOwners_OnlyOneHoldsItUntilItExpiresOrItsOwnerIsDead()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", "offline:eliza", "B", "offline:markov"), "{}");
        var now = DateTimeOffset.UtcNow;

        Assert.True(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-a/1/1", now, Minute)));
        Assert.False(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-b/2/2", now, Minute)));
        Assert.True(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-a/1/1", now, Minute)), "the owner itself renews");

        // Once it expires, or when its owner is known to be dead, another owner takes it over.
        Assert.True(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-b/2/2", now + Minute + TimeSpan.FromSeconds(1), Minute)));
        Assert.True(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-c/3/3", now, Minute, DeadOwners: ["host-b/2/2"])));
        var status = (await Store.GetLiveStatusAsync(id))!;
        Assert.Equal("host-c/3/3", status.Lease.Owner);
        Assert.True(status.Lease.IsHeldAt(now));
        Assert.Equal(1, await Store.CountConversationsAsync(new ConversationQuery { RunningAt = now }));
    }

    [Fact]
    public async Task TryAcquireLease_FinishedConversation_IsRefusedAndCompletionReleasesTheLease()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), "{}");
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-a/1/1", now, Minute)));

        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.MaxMessages, 1, 0), now);

        Assert.Null((await Store.GetLiveStatusAsync(id))!.Lease.Owner);
        Assert.False(await Store.TryAcquireLeaseAsync(id, new ConversationLease("host-b/2/2", now, Minute)));
        Assert.Equal(0, await Store.CountConversationsAsync(new ConversationQuery { RunningAt = now }));
    }

    [Fact]
    public async Task RenewLeases_OneWrite_ExtendsEveryLeaseOfTheOwnerAndSaysWhichItStillHolds()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Store.CreateConversationAsync(null, Header("A", null, "B", null), "{}"));
            Assert.True(await Store.TryAcquireLeaseAsync(ids[^1], new ConversationLease("me/1/1", now, TimeSpan.FromSeconds(10))));
        }

        // Another owner takes one over after it expired (this owner stalled).
        Assert.True(await Store.TryAcquireLeaseAsync(ids[1], new ConversationLease("other/2/2", now + TimeSpan.FromSeconds(11), Minute)));
        var held = await Store.RenewLeasesAsync("me/1/1", now + TimeSpan.FromSeconds(12), Minute);

        Assert.Equal([ids[0], ids[2]], held);
        Assert.False(await Store.TryAcquireLeaseAsync(ids[0], new ConversationLease("other/2/2", now + TimeSpan.FromSeconds(30), Minute)));
        await Store.ReleaseLeaseAsync(ids[0], "me/1/1");
        Assert.True(await Store.TryAcquireLeaseAsync(ids[0], new ConversationLease("other/2/2", now + TimeSpan.FromSeconds(30), Minute)));
    }

    [Fact]
    public async Task GetRunningLeases_HeldExpiredAndFinished_ListsOnlyTheHeldOnesWithRunAndOwner()
    {
        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "cluster", Started = DateTimeOffset.UtcNow });
        var held = await Store.CreateConversationAsync(runId, Header("A", "offline:eliza", "B", "offline:markov"), "{}");
        var expired = await Store.CreateConversationAsync(runId, Header("A", "offline:eliza", "B", "offline:markov"), "{}");
        var finished = await Store.CreateConversationAsync(null, Header("A", "offline:eliza", "B", "offline:markov"), "{}");
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Store.TryAcquireLeaseAsync(held, new ConversationLease("host-a/1/1/silo=10.0.0.1:11111@1", now, Minute)));
        Assert.True(await Store.TryAcquireLeaseAsync(expired, new ConversationLease("host-b/2/2", now - Minute - Minute, Minute)));
        Assert.True(await Store.TryAcquireLeaseAsync(finished, new ConversationLease("host-a/1/1", now, Minute)));
        await Store.CompleteConversationAsync(finished, new StopInfo(StopReasons.MaxMessages, 1, 0), now);

        var running = await Store.GetRunningLeasesAsync(now);

        var only = Assert.Single(running);
        Assert.Equal((held, runId, "host-a/1/1/silo=10.0.0.1:11111@1", 0), (only.Id, only.RunId, only.Owner, only.MessageCount));
        Assert.True(only.Expires > now);
    }

    [Fact]
    public async Task GetClusterSilos_NoSiloEverStarted_IsEmpty()
    {
        Assert.Empty(await Store.GetClusterSilosAsync());
    }

    [Fact]
    public async Task WriteLive_InFlightText_IsReadBackUntilTheConversationStopsAndRemovalClearsIt()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), "{}");
        var now = DateTimeOffset.UtcNow;
        await Store.AppendMessageAsync(id, 1, Message(1, " "));

        await Store.WriteLiveAsync([new LiveText(id, 2, 2, "B", "Hel", now)]);
        await Store.WriteLiveAsync([new LiveText(id, 2, 2, "B", "Hello there", now)]);
        var status = (await Store.GetLiveStatusAsync(id))!;
        Assert.Equal(1, status.MessageCount);
        Assert.Equal((2, 2, "B", "Hello there"), (status.InFlight!.Index, status.InFlight.Seat, status.InFlight.Speaker, status.InFlight.Text));

        await Store.WriteLiveAsync([new LiveText(id, 2, 2, "B", null, now)]);
        Assert.Null((await Store.GetLiveStatusAsync(id))!.InFlight);

        // A stop clears it, and text written for a stopped conversation (a late flush) is not kept.
        await Store.WriteLiveAsync([new LiveText(id, 2, 2, "B", "Hello", now)]);
        await Store.CompleteConversationAsync(id, new StopInfo(StopReasons.EndToken, 1, 1), now);
        Assert.Null((await Store.GetLiveStatusAsync(id))!.InFlight);
        await Store.WriteLiveAsync([new LiveText(id, 2, 2, "B", "late", now)]);
        Assert.Null((await Store.GetLiveStatusAsync(id))!.InFlight);
    }

    [Fact]
    public async Task Watch_UntilAMoment_IsWatchedUntilThenAndNotAfter()
    {
        var id = await Store.CreateConversationAsync(null, Header("A", null, "B", null), "{}");
        var now = DateTimeOffset.UtcNow;

        await Store.WatchAsync(id, now + TimeSpan.FromSeconds(10));
        await Store.WatchAsync(987654, now + TimeSpan.FromSeconds(10));

        Assert.Equal([id], await Store.GetWatchedAsync(now));
        Assert.Empty(await Store.GetWatchedAsync(now + TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public async Task CreateRunWithConversations_OneBad_StoresNothingAtAll()
    {
        var good = new NewConversation(Header("A", null, "B", null), "{}");
        var forkOfNothing = Header("A", null, "B", null);
        forkOfNothing.Metadata[StoreMetadataKeys.ParentId] = "987654";

        await Assert.ThrowsAsync<TranscriptStoreException>(() =>
            Store.CreateRunAsync(new RunRecord { ExperimentName = "atomic", Started = T0 }, [good, new NewConversation(forkOfNothing, "{}")]));

        Assert.Empty(await ToListAsync(Store.ListRunsAsync()));
        Assert.Equal(0, await Store.CountConversationsAsync(ConversationQuery.All));

        var runId = await Store.CreateRunAsync(new RunRecord { ExperimentName = "atomic", Started = T0 }, [good, good]);
        Assert.Equal(2, (await Store.GetRunSummaryAsync(runId))!.Conversations);
    }

    [Fact]
    public async Task CreateRunWithConversations_CancelledWhileStoring_StopsAtOnceAndStoresNothing()
    {
        // Ctrl+C while a run of many conversations is stored: the batch waited for the whole transaction (40 s for 200,000).
        var many = Enumerable.Range(0, 50_000).Select(_ => new NewConversation(Header("A", null, "B", null), "{}")).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Store.CreateRunAsync(new RunRecord { ExperimentName = "big", Started = T0 }, many, stop.Token));

        Assert.Empty(await ToListAsync(Store.ListRunsAsync()));
        Assert.Equal(0, await Store.CountConversationsAsync(ConversationQuery.All));
    }

    [Fact]
    public async Task DeleteConversation_WithAFork_DeletesItsMessagesAndTheForkKeepsItsOwn()
    {
        var parent = await Store.CreateConversationAsync(null, Header("A", null, "B", null), "{}");
        await Store.AppendMessageAsync(parent, 1, Message(1, "the xylophonist speaks"));
        var forkHeader = Header("A", null, "B", null);
        forkHeader.Messages.Add(Message(1, "the xylophonist speaks"));
        forkHeader.Metadata[StoreMetadataKeys.ParentId] = parent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        forkHeader.Metadata[StoreMetadataKeys.ForkedAt] = "1";
        var fork = await Store.CreateConversationAsync(null, forkHeader, "{}");

        Assert.True(await Store.DeleteConversationAsync(parent));
        Assert.False(await Store.DeleteConversationAsync(parent));

        Assert.Null(await Store.GetTranscriptAsync(parent));
        Assert.Equal("the xylophonist speaks", (await Store.GetTranscriptAsync(fork))!.Messages.Single().Content);
        var hits = await ToListAsync(Store.SearchMessagesAsync("xylophonist", 10));
        Assert.Equal([fork], hits.Select(h => h.ConversationId));
    }

    [Fact]
    public async Task DeleteRun_WithConversations_RemovesAllOfThemAndTheRun()
    {
        var runId = await Store.CreateRunAsync(
            new RunRecord { ExperimentName = "gone", Started = T0 }, [new NewConversation(Header("A", null, "B", null), "{}"), new NewConversation(Header("A", null, "B", null), "{}")]);
        var other = await Store.CreateConversationAsync(null, Header("C", null, "D", null), null);

        Assert.Equal(2, await Store.DeleteRunAsync(runId));
        Assert.Equal(-1, await Store.DeleteRunAsync(runId));

        Assert.Null(await Store.GetRunAsync(runId));
        Assert.Equal([other], (await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All))).Select(c => c.Id));
    }

    [Fact]
    public async Task CreateConversations_WithAnAnalysisThatSawFewerMessages_RefusesTheBatchAndStoresNothing()
    {
        var complete = Header("A", null, "B", null);
        complete.Messages.Add(Message(1, "Hello."));
        var analysed = TranscriptAnalyzer.Analyze(complete);
        var grown = Header("A", null, "B", null);
        grown.Messages.Add(Message(1, "Hello."));
        grown.Messages.Add(Message(2, "Hi."));

        // An analysis kept with a conversation must be current: one that saw only its first message is refused.
        var stale = new AnalysisRecord(TranscriptAnalyzer.Version, 1, ConversationFacts.From(complete, analysed), "{}");
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateConversationsAsync(
            null, [new NewConversation(complete, null, stale), new NewConversation(grown, null, stale)]));
        Assert.Empty(await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)));
    }

    [Fact]
    public async Task ContentHash_StoredOnce_IsFoundAndASecondCopyIsRefused()
    {
        var header = Header("A", null, "B", null);
        header.Metadata[StoreMetadataKeys.ContentHash] = "sha256:abc";
        var id = await Store.CreateConversationAsync(null, header, null);

        Assert.Equal(id, await Store.FindByContentHashAsync("sha256:abc"));
        Assert.Null(await Store.FindByContentHashAsync("sha256:def"));
        await Assert.ThrowsAsync<TranscriptStoreException>(() => Store.CreateConversationAsync(null, header, null));
    }

    [Fact]
    public async Task ImportedFile_IsFoundByTheFileItNames_WhateverTheContentHash()
    {
        // The same file read differently by two versions: two content hashes, one file.
        var first = Header("A", null, "B", null);
        first.Metadata[StoreMetadataKeys.ContentHash] = "sha256:read-once";
        first.Metadata[StoreMetadataKeys.ImportedFile] = "sha256:file#1";
        var id = await Store.CreateConversationAsync(null, first, null);
        var other = Header("A", null, "B", null);
        other.Metadata[StoreMetadataKeys.ContentHash] = "sha256:another";
        await Store.CreateConversationAsync(null, other, null);

        Assert.Equal(id, await Store.FindByImportedFileAsync("sha256:file#1", storedUpTo: id));
        Assert.Null(await Store.FindByImportedFileAsync("sha256:file#1", storedUpTo: id - 1)); // stored after what is asked about
        Assert.Null(await Store.FindByImportedFileAsync("sha256:file#2", storedUpTo: long.MaxValue));
        Assert.Equal("sha256:file#1", (await Store.GetTranscriptAsync(id))!.Metadata[StoreMetadataKeys.ImportedFile]);
    }

    [Fact]
    public async Task KeepImportedFiles_GivesAFileOnlyToConversationsWithout()
    {
        // One imported by an earlier version (no file kept), one with its file.
        var earlier = await Store.CreateConversationAsync(null, Header("A", null, "B", null), null);
        var withFile = Header("A", null, "B", null);
        withFile.Metadata[StoreMetadataKeys.ImportedFile] = "sha256:kept#1";
        var kept = await Store.CreateConversationAsync(null, withFile, null);

        var recorded = await Store.KeepImportedFilesAsync([KeyValuePair.Create(earlier, "sha256:found#1"), KeyValuePair.Create(kept, "sha256:other#1")]);

        Assert.Equal(1, recorded);
        Assert.Equal(earlier, await Store.FindByImportedFileAsync("sha256:found#1", storedUpTo: long.MaxValue));
        Assert.Equal(kept, await Store.FindByImportedFileAsync("sha256:kept#1", storedUpTo: long.MaxValue));
        Assert.Null(await Store.FindByImportedFileAsync("sha256:other#1", storedUpTo: long.MaxValue));
    }

    [Fact]
    public async Task Upgrade_AnImportedLogsFullPathKeptByAnEarlierVersion_IsDropped_AndItsAnalysisNamesTheFileAsImported()
    {
        // What an earlier version stored of an imported UniversalBackrooms log: its reader's full path beside the file as
        // imported, in the metadata and in the analysis' source.
        var log = Header("GPT-5", "gpt5", "Kimi K2", "k2");
        log.Messages.Add(Message(1, "whoami"));
        log.Messages.Add(Message(2, "root"));
        log.Metadata["format"] = "universal-backrooms";
        log.Metadata[TranscriptMetadataKeys.Source] = "/home/someone/logs/gpt5_k2_cli_20250905_164241.txt";
        log.Metadata[TranscriptMetadataKeys.ImportedFrom] = "logs/gpt5_k2_cli_20250905_164241.txt";
        var record = new AnalysisRecord(TranscriptAnalyzer.Version, 2, ConversationFacts.From(log, TranscriptAnalyzer.Analyze(log)), "{}");
        Assert.Equal("/home/someone/logs/gpt5_k2_cli_20250905_164241.txt", record.Facts.Source);
        var id = (await Store.CreateConversationsAsync(null, [new NewConversation(log, null, record)]))[0];
        var live = Header("A", null, "B", null);
        live.Metadata[TranscriptMetadataKeys.Source] = "web";
        var web = await Store.CreateConversationAsync(null, live, null);
        await ExecuteRawAsync("DROP INDEX ix_conversations_imported_file");
        await ExecuteRawAsync("ALTER TABLE conversations DROP COLUMN imported_file");
        await ExecuteRawAsync("DELETE FROM schema_version WHERE version = (SELECT MAX(version) FROM schema_version)");

        await ReopenAsync();

        Assert.DoesNotContain(TranscriptMetadataKeys.Source, (await Store.GetTranscriptAsync(id))!.Metadata.Keys);
        Assert.Equal("web", (await Store.GetTranscriptAsync(web))!.Metadata[TranscriptMetadataKeys.Source]);
        var corpus = await Store.AggregateAnalysesAsync(ConversationQuery.All, TranscriptAnalyzer.Version, new AnalysisOptions(), vocabularySample: 1000, includeRows: true);
        Assert.Equal("logs/gpt5_k2_cli_20250905_164241.txt", Assert.Single(corpus.Analysis.Rows).Source);
    }

    [Fact]
    public async Task AggregateAnalyses_StoredFacts_EqualTheInMemoryCorpusTables()
    {
        // The two seeds, and small conversations of other shapes (a self-pair, costs, an end token, no stop).
        var transcripts = new List<Transcript> { SeedMarkdown.ReadFile(SharedFiles.Seed000), SeedMarkdown.ReadFile(SharedFiles.Seed001) };
        for (var i = 0; i < 6; i++)
        {
            var t = Header(i % 2 == 0 ? "Alpha" : "Beta", i % 3 == 0 ? "m:alpha" : "m:beta", "Gamma", "m:gamma");
            t.Messages.Add(Message(1, " "));
            t.Messages.Add(Message(2, $"I cannot help with that request number {i}. 🌀", new TokenUsage(10, 20), 0.01m));
            t.Messages.Add(Message(1, i % 2 == 0 ? "Goodbye, friend. [END]" : "Tell me more about the spiral 🌀🌀", new TokenUsage(5, 7), 0.002m));
            t.Messages.Add(Message(2, "Farewell. [END]", new TokenUsage(3, 4)));
            t.Stop = i == 5 ? null : new StopInfo(StopReasons.EndToken, 1, 3);
            t.Ended = i == 5 ? null : T0;
            transcripts.Add(t);
        }

        // A model talking to itself, refusing on both seats: one conversation of it, with both seats' messages.
        var self = Header("Gamma", "m:gamma", "Gamma 2", "m:gamma");
        self.Messages.Add(Message(1, "I cannot help with that request."));
        self.Messages.Add(Message(2, "I cannot help with that either."));
        self.Messages.Add(Message(1, "Goodbye. [END]"));
        transcripts.Insert(2, self);

        // Half kept after the conversation was stored, half kept with it as it was created (as an import does).
        var memory = new CorpusAnalyzer();
        for (var i = 0; i < transcripts.Count; i++)
        {
            var transcript = transcripts[i];
            var analysis = TranscriptAnalyzer.Analyze(transcript);
            memory.Add(transcript, analysis);
            if (i % 2 == 0)
            {
                var id = await Store.CreateConversationAsync(null, transcript, null);
                var stored = (await Store.GetTranscriptAsync(id))!;
                await Store.SaveAnalysisAsync(id, new AnalysisRecord(TranscriptAnalyzer.Version, stored.Messages.Count, ConversationFacts.From(stored, analysis), "{}"));
            }
            else
            {
                var record = new AnalysisRecord(TranscriptAnalyzer.Version, transcript.Messages.Count, ConversationFacts.From(transcript, analysis), "{\"kept\": " + i + "}");
                var id = (await Store.CreateConversationsAsync(null, [new NewConversation(transcript, null, record)]))[0];
                Assert.Equal(record.Json, await Store.GetAnalysisJsonAsync(id, TranscriptAnalyzer.Version));
            }
        }

        var fromStore = await Store.AggregateAnalysesAsync(ConversationQuery.All, TranscriptAnalyzer.Version, new AnalysisOptions(), vocabularySample: 1000, includeRows: true);
        var expected = memory.Build();

        Assert.Equal(0, fromStore.NotAnalyzed);
        Assert.Equal(Comparable(expected), Comparable(fromStore.Analysis));
        var gamma = fromStore.Analysis.Models.Single(m => m.Model == "m:gamma");
        Assert.Equal((7, 7), (gamma.Conversations, gamma.ConversationsWithRefusal));
        Assert.Equal(6 * 2 + 3, gamma.Messages);
        Assert.Equal(expected.Rows.Select(r => r with { Source = null }), fromStore.Analysis.Rows.Select(r => r with { Source = null }));

        // Filtered by a participant: the same tables as the in-memory sums over just those conversations.
        var alphaOnly = new CorpusAnalyzer();
        // (A participant filter matches a name or a model that contains the text.)
        foreach (var transcript in transcripts.Where(t => t.Participants.Any(p =>
            p.Name.Contains("alpha", StringComparison.OrdinalIgnoreCase) || p.Model?.Contains("alpha", StringComparison.OrdinalIgnoreCase) == true)))
        {
            alphaOnly.Add(transcript);
        }

        var filtered = await Store.AggregateAnalysesAsync(new ConversationQuery { Participant = "alpha" }, TranscriptAnalyzer.Version, new AnalysisOptions(), vocabularySample: 1000);
        Assert.Equal(Comparable(alphaOnly.Build()), Comparable(filtered.Analysis));
        Assert.Equal(4, filtered.Matching);

        // A conversation that runs again (its lease taken) is no longer counted, and once it has grown it is listed to be
        // analysed again.
        var grown = (await ToListAsync(Store.ListConversationsAsync(ConversationQuery.All)))[^1].Id;
        Assert.True(await Store.TryAcquireLeaseAsync(grown, new ConversationLease("me/1/1", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1))));
        await Store.AppendMessageAsync(grown, 5, Message(1, "One more thing."));
        var after = await Store.AggregateAnalysesAsync(ConversationQuery.All, TranscriptAnalyzer.Version, new AnalysisOptions(), 1000);
        Assert.Equal((expected.Conversations - 1, 1L), (after.Analysis.Conversations, after.NotAnalyzed));
        Assert.Equal([grown], await Store.GetUnanalyzedAsync(ConversationQuery.All, TranscriptAnalyzer.Version, DateTimeOffset.UtcNow, 10));
        Assert.Equal(transcripts.Count, (await Store.GetUnanalyzedAsync(ConversationQuery.All, TranscriptAnalyzer.Version + 1, DateTimeOffset.UtcNow, 100)).Count);
    }

    // Everything but the keyword columns, which the store takes from a sample of each model's newest seats.
    private static string Comparable(CorpusAnalysis corpus) => JsonSerializer.Serialize(
        corpus with
        {
            Rows = [],
            Models = [.. corpus.Models.Select(m => m with { Keywords = [], TopEmoji = [.. m.TopEmoji.Order(StringComparer.Ordinal)] })],
        },
        AnalysisJsonContext.Default.CorpusAnalysis);
}
