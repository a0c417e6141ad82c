using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Imports;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Imports;

public sealed class TranscriptImporterTests
{
    [Fact]
    public async Task PrepareAsync_AnalysesOnlyWhatTheStoreDoesNotHaveYet()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed001);

        var fresh = await importer.PrepareAsync(seed, "001.txt");
        Assert.NotNull(fresh.Analysis);
        var id = (await importer.AddAsync([fresh], "import", "seeds"))[0];
        Assert.NotNull(id);
        Assert.Equal(fresh.Analysis.Json, await store.GetAnalysisJsonAsync(id.Value, TranscriptAnalyzer.Version));

        // The same conversation read again (another import of the folder): hashed, found, not analysed, not added.
        var again = await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed001), "001.txt");
        Assert.Null(again.Analysis);
        Assert.Equal(fresh.Hash, again.Hash);
        Assert.Null((await importer.AddAsync([again], "import", "seeds"))[0]);
        Assert.Equal((1, 1), (importer.Imported, importer.AlreadyStored));
    }

    [Fact]
    public void ContentHash_IsTheSha256OfTheTranscriptsJson_AsEarlierVersionsStoredIt()
    {
        // A store made by an earlier version keeps these hashes: importing the same files again must find them (the file
        // read as import reads it, its stop inferred).
        var seed = TranscriptFile.Read(SharedFiles.Seed001);
        Assert.Equal("sha256:178311ffc76e1b3ad34282d81eff2d3bc197f937ba82b8ddf692a5c5737d44ab", TranscriptImporter.ContentHash(seed));

        // Where a file was imported from is not what it says; a long transcript is hashed whole, not its first pieces.
        seed.Metadata[TranscriptMetadataKeys.ImportedFrom] = "elsewhere/001.txt";
        Assert.Equal("sha256:178311ffc76e1b3ad34282d81eff2d3bc197f937ba82b8ddf692a5c5737d44ab", TranscriptImporter.ContentHash(seed));
        var longOne = TranscriptFile.Read(SharedFiles.Seed001);
        foreach (var i in Enumerable.Range(0, 200))
        {
            longOne.Messages.Add(new TranscriptMessage { Seat = 1 + (i % 2), Speaker = longOne.Participants[i % 2].Name, Content = new string('x', 1000) + i });
        }

        var expected = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TranscriptJson.Write(longOne))));
        Assert.Equal(expected, TranscriptImporter.ContentHash(longOne));
        longOne.Messages[^1] = new TranscriptMessage { Seat = 2, Speaker = longOne.Participants[1].Name, Content = "changed at the very end" };
        Assert.NotEqual(expected, TranscriptImporter.ContentHash(longOne));
    }

    [Fact]
    public async Task PrepareAsync_ALogCopiedToAnotherFolder_IsTheSameConversation_AndAStoreOfTheEarlierHashFindsIt()
    {
        // Where a UniversalBackrooms log was read from is not what the log says (earlier versions hashed its path too).
        var folder = Path.Combine(Path.GetTempPath(), "crosstalk-ub-copies-" + Guid.NewGuid().ToString("N"));
        var log = "### GPT-5 1 ###\nwhoami\n\n### Kimi K2 2 ###\nroot\n\n### GPT-5 1 ###\nls\n";
        foreach (var copy in new[] { "a", "b", "c" })
        {
            Directory.CreateDirectory(Path.Combine(folder, copy));
            File.WriteAllText(Path.Combine(folder, copy, "gpt5_k2_cli_20250905_164241.txt"), log);
        }

        try
        {
            await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
            var importer = new TranscriptImporter(store);
            var first = await importer.PrepareAsync(TranscriptFile.Read(Path.Combine(folder, "a", "gpt5_k2_cli_20250905_164241.txt")), "a/log.txt");
            Assert.NotNull((await importer.AddAsync([first], "import", "a"))[0]);

            var copied = await importer.PrepareAsync(TranscriptFile.Read(Path.Combine(folder, "b", "gpt5_k2_cli_20250905_164241.txt")), "b/log.txt");

            Assert.True(copied.Stored);
            Assert.Equal(first.Hash, copied.Hash);

            // A store whose earlier version hashed the path with it (as it stored folder c's log) finds that log again.
            await using var older = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
            var pathC = Path.Combine(folder, "c", "gpt5_k2_cli_20250905_164241.txt");
            var atC = TranscriptFile.Read(pathC);
            Assert.DoesNotContain(TranscriptMetadataKeys.Source, atC.Metadata.Keys); // the reader no longer keeps the path
            atC.Metadata[TranscriptMetadataKeys.Source] = pathC;
            var earlierHash = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TranscriptJson.Write(atC))));
            Assert.NotEqual(TranscriptImporter.ContentHash(atC), earlierHash);
            atC.Metadata[StoreMetadataKeys.ContentHash] = earlierHash;
            await older.CreateConversationAsync(null, atC, null);

            var again = await new TranscriptImporter(older).PrepareAsync(TranscriptFile.Read(pathC), "c/log.txt", pathC);

            Assert.True(again.Stored);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ImportThenExport_ALogIsNamedRelativeToTheFolder_AndNoPathOfThisMachineNorTheStoresBookkeepingIsKept()
    {
        var folder = EngineHarness.NewFolder();
        NewLog(Directory.CreateDirectory(Path.Combine(folder, "logs")).FullName);
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());

        var importer = new TranscriptImporter(store);
        await importer.ImportAsync(TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), s => Assert.Fail(s), fingerprint: true), file => Path.GetRelativePath(folder, file), "import", folder);
        Assert.Equal(1, importer.Imported);
        Assert.StartsWith("sha256:", (await store.GetTranscriptAsync(1))!.Metadata[StoreMetadataKeys.ImportedFile], StringComparison.Ordinal);

        var (out_, result, _) = await Exports.ExportFixture.ExportAsync(store, ExportFormats.Jsonl);
        var exported = Assert.Single(TranscriptFile.ReadAll(Path.Combine(out_, result.Files[0])));
        Assert.Equal(Path.Combine("logs", "gpt5_k2_cli_20250905_164241.txt"), exported.Metadata[Provenance.Source]);
        Assert.DoesNotContain(exported.Metadata.Values, value => value.Contains(folder, StringComparison.Ordinal));
        Assert.DoesNotContain(exported.Metadata.Keys, key => key is StoreMetadataKeys.ImportedFile or StoreMetadataKeys.ContentHash or TranscriptMetadataKeys.Source);
    }

    [Fact]
    public async Task ImportAgain_AFileThisVersionReadsDifferently_IsNotAddedASecondTime_AndIsSaid()
    {
        var path = NewLog(EngineHarness.NewFolder());
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());

        // What an earlier version stored of this file: the same bytes, read differently.
        var earlier = await ImportFileAsync(store, path, ReadByAnotherVersion);
        Assert.Equal(1, earlier.Imported);

        var again = await ImportFileAsync(store, path);

        Assert.Equal((0, 1, 1), (again.Imported, again.AlreadyStored, again.ReadDifferently));

        // A file that changed (a log that went on) is another conversation.
        File.AppendAllText(path, "\n### GPT-5 1 ###\nls\n");
        var grown = await ImportFileAsync(store, path);
        Assert.Equal((1, 0, 0), (grown.Imported, grown.AlreadyStored, grown.ReadDifferently));
        Assert.Equal(2, await store.CountConversationsAsync(ConversationQuery.All));
    }

    [Fact]
    public async Task ImportAgain_WhatAnEarlierVersionImported_LearnsItsFile_SoALaterReadingIsKnown()
    {
        var path = NewLog(EngineHarness.NewFolder());
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());

        // An earlier version kept no file; this one, finding the conversation again by its content, records it.
        Assert.Equal(1, (await ImportFileAsync(store, path, fingerprint: false)).Imported);
        var again = await ImportFileAsync(store, path);
        Assert.Equal((0, 1), (again.Imported, again.AlreadyStored));

        var later = await ImportFileAsync(store, path, ReadByAnotherVersion);

        Assert.Equal((0, 1, 1), (later.Imported, later.AlreadyStored, later.ReadDifferently));
    }

    [Fact]
    public async Task ImportAgain_ACorpusReadDifferently_IsCountedAsOneFile_AndANewRowIsStillAdded()
    {
        // A ShareGPT corpus of three rows, imported by a reader that read it differently; then again with a fourth row.
        var folder = EngineHarness.NewFolder();
        var path = Path.Combine(folder, "corpus.jsonl");
        string Row(int i) => $$"""{"conversations": [{"from": "human", "value": "question {{i}}"}, {"from": "gpt", "value": "answer {{i}}"}]}""";
        File.WriteAllText(path, string.Join("\n", Enumerable.Range(1, 3).Select(Row)) + "\n");
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        Assert.Equal(3, (await ImportFileAsync(store, path, ReadByAnotherVersion)).Imported);
        var again = await ImportFileAsync(store, path);
        Assert.Equal((0, 3, 3, 1), (again.Imported, again.AlreadyStored, again.ReadDifferently, again.FilesReadDifferently));

        // Another row changes the file's bytes: each row is then new to the store (the file is another file).
        File.AppendAllText(path, Row(4) + "\n");
        var grown = await ImportFileAsync(store, path);
        Assert.Equal((4, 0), (grown.Imported, grown.ReadDifferently));
    }

    // A two-message UniversalBackrooms log in the folder, named as the tool names logs; returns its path.
    private static string NewLog(string folder)
    {
        var path = Path.Combine(folder, "gpt5_k2_cli_20250905_164241.txt");
        File.WriteAllText(path, "### GPT-5 1 ###\nwhoami\n\n### Kimi K2 2 ###\nroot\n");
        return path;
    }

    // Imports one file as 'crosstalk import' does (marked with the file it came from, unless told not to, as earlier
    // versions did not), each transcript first passed through readBy: how another version of the reader would read it.
    private static async Task<TranscriptImporter> ImportFileAsync(ITranscriptStore store, string path, Func<Transcript, Transcript>? readBy = null, bool fingerprint = true)
    {
        var importer = new TranscriptImporter(store);
        await importer.ImportAsync(
            TranscriptSources.ReadAsync(TranscriptSources.Collect(path), s => Assert.Fail(s), fingerprint).Select(read => (read.File, (readBy ?? (t => t))(read.Transcript))),
            file => Path.GetFileName(file),
            "import",
            Path.GetDirectoryName(path)!);
        return importer;
    }

    private static Transcript ReadByAnotherVersion(Transcript transcript)
    {
        transcript.Metadata["readBy"] = "another version";
        return transcript;
    }

    [Fact]
    public async Task AddAsync_ABatch_StoresEachNewConversationOnceWithItsAnalysisInOrder()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        var batch = new[]
        {
            await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed001), "a/001.txt"),
            await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), "a/000.txt"),
            // The same file twice in one folder: added once.
            await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed001), "b/001.txt"),
        };

        var ids = await importer.AddAsync(batch, "import seeds", "seeds");

        Assert.NotNull(ids[0]);
        Assert.NotNull(ids[1]);
        Assert.Null(ids[2]);
        Assert.True(ids[0] < ids[1]);
        Assert.Equal((2, 1), (importer.Imported, importer.AlreadyStored));
        var stored = (await store.GetTranscriptAsync(ids[1]!.Value))!;
        Assert.Equal("a/000.txt", stored.Metadata[TranscriptMetadataKeys.ImportedFrom]);
        Assert.Equal(batch[1].Hash, stored.Metadata[StoreMetadataKeys.ContentHash]);

        // Each kept with its analysis: nothing is left to analyse, and the corpus tables name the file each came from.
        Assert.Empty(await store.GetUnanalyzedAsync(ConversationQuery.All, TranscriptAnalyzer.Version, DateTimeOffset.UtcNow, 10));
        var corpus = await store.AggregateAnalysesAsync(ConversationQuery.All, TranscriptAnalyzer.Version, new AnalysisOptions(), 100, includeRows: true);
        Assert.Equal(["a/001.txt", "a/000.txt"], corpus.Analysis.Rows.Select(r => r.Source));
        using var json = JsonDocument.Parse((await store.GetAnalysisJsonAsync(ids[0]!.Value, TranscriptAnalyzer.Version))!);
        Assert.Equal(24, json.RootElement.GetProperty("goodbyeLoop").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task AddAsync_AConversationAnotherImportStoredMeanwhile_IsCountedAsStored_TheRestAdded()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        var good = await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed001), "001.txt");
        var late = await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), "000.txt");

        // Another import of the same files stores one of them after this one prepared it (two `crosstalk import` at once):
        // the store refuses a second copy, which is what "already stored" means, not a failure of the import.
        Assert.NotNull(await new TranscriptImporter(store).AddAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), "000.txt", "other import", "seeds"));
        var ids = await importer.AddAsync([good, late], "import", "seeds");

        Assert.NotNull(ids[0]);
        Assert.Null(ids[1]);
        Assert.Equal((1, 1), (importer.Imported, importer.AlreadyStored));
        Assert.Equal(2, (await ToListAsync(store.ListConversationsAsync(ConversationQuery.All))).Count);
    }

    [Fact]
    public async Task AddAsync_EverythingStoredMeanwhile_LeavesNoEmptyRun()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        var late = await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), "000.txt");
        await new TranscriptImporter(store).AddAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), "000.txt", "other import", "seeds");

        Assert.Null((await importer.AddAsync([late], "import", "seeds"))[0]);

        Assert.Null(importer.RunId);
        Assert.Equal(["other import"], (await ToListAsync(store.ListRunsAsync())).Select(r => r.ExperimentName));
    }

    [Fact]
    public async Task AddAsync_ABatchTheStoreRefuses_StoresNoneOfItAndCanBeImportedAgain()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        var good = await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed001), "001.txt");
        var unfit = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        unfit.Participants[0] = unfit.Participants[0] with { Name = new string('n', StoreLimits.Name + 1) };
        var refused = await importer.PrepareAsync(unfit, "000.txt");

        // The store refuses the batch's one transaction: nothing of it is stored, and no empty run is left.
        await Assert.ThrowsAsync<ArgumentException>(() => importer.AddAsync([good, refused], "import", "seeds"));
        Assert.Empty(await ToListAsync(store.ListConversationsAsync(ConversationQuery.All)));
        Assert.Empty(await ToListAsync(store.ListRunsAsync()));

        // Nothing of the batch was stored, so nothing of it counts as stored: the good one is added when tried again.
        Assert.NotNull((await importer.AddAsync([good], "import", "seeds"))[0]);
        Assert.Equal((1, 0), (importer.Imported, importer.AlreadyStored));
    }

    [Fact]
    public async Task ImportAsync_ManySmallConversations_StoresThemAllInOrderAndReportsEveryThousand()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store);
        var taken = new List<string>();
        var progress = new List<(int Read, int Imported)>();

        await importer.ImportAsync(
            Small(2100),
            file => "folder/" + file,
            "import folder",
            "folder",
            transcript => taken.Add(transcript.Title),
            read => progress.Add((read, importer.Imported)),
            CancellationToken.None);

        // Read in order, each taken once; every thousand reported once it is stored; the copy of conversation 7 added once.
        Assert.Equal(Enumerable.Range(0, 2100).Select(i => $"conversation {(i == 2099 ? 7 : i)}"), taken);
        Assert.Equal([(1000, 1000), (2000, 2000)], progress);
        Assert.Equal((2099, 1), (importer.Imported, importer.AlreadyStored));
        var stored = await ToListAsync(store.ListConversationsAsync(new ConversationQuery { Limit = 3000 }));
        Assert.Equal(2099, stored.Count);
        Assert.Equal(Enumerable.Range(0, 2099).Select(i => $"conversation {i}"), stored.OrderBy(c => c.Id).Select(c => c.Title));
        Assert.Empty(await store.GetUnanalyzedAsync(ConversationQuery.All, TranscriptAnalyzer.Version, DateTimeOffset.UtcNow, 10));
        Assert.Equal("folder/f0042.txt", (await store.GetTranscriptAsync(stored.OrderBy(c => c.Id).ElementAt(42).Id))!.Metadata[TranscriptMetadataKeys.ImportedFrom]);
    }

    private static async IAsyncEnumerable<(string File, Transcript Transcript)> Small(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var number = i == count - 1 ? 7 : i;
            var transcript = new Transcript { Title = $"conversation {number}", Participants = [new Participant(1, "A"), new Participant(2, "B")] };
            transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = $"Hello number {number}." });
            transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Goodbye. [END]" });
            yield return ($"f{i:0000}.txt", transcript);
            await Task.Yield();
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
