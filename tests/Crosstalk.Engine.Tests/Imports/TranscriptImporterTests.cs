using Crosstalk.Analysis;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Imports;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Imports;

public sealed class TranscriptImporterTests
{
    [Fact]
    public async Task PrepareAsync_AnalysesOnlyWhatTheStoreDoesNotHaveYet()
    {
        await using var store = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var importer = new TranscriptImporter(store, new StoredAnalyses(store));
        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed001);

        var fresh = await importer.PrepareAsync(seed);
        Assert.NotNull(fresh.Analysis);
        var id = await importer.AddAsync(fresh, "001.txt", "import", "seeds");
        Assert.NotNull(id);
        Assert.NotNull(await store.GetAnalysisJsonAsync(id.Value, TranscriptAnalyzer.Version));

        // The same conversation read again (another import of the folder): hashed, found, not analysed, not added.
        var again = await importer.PrepareAsync(SeedMarkdown.ReadFile(SharedFiles.Seed001));
        Assert.Null(again.Analysis);
        Assert.Equal(fresh.Hash, again.Hash);
        Assert.Null(await importer.AddAsync(again, "001.txt", "import", "seeds"));
        Assert.Equal((1, 1), (importer.Imported, importer.AlreadyStored));
    }
}
