using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Imports;
using Crosstalk.Storage;

namespace Crosstalk.Engine.Tests.Exports;

/// <summary>
/// <c>export</c> → <c>import</c> into another store → <c>export</c> gives the same bytes, for every format that carries
/// whole conversations; each conversation keeps where it came from.
/// </summary>
public sealed class RoundTripTests
{
    [Theory]
    [InlineData(ExportFormats.Json)]
    [InlineData(ExportFormats.Jsonl)]
    [InlineData(ExportFormats.Parquet)]
    [InlineData(ExportFormats.HuggingFace)]
    public async Task ExportImportExport_SameBytes(string format)
    {
        await using var fixture = await ExportFixture.CreateAsync();
        var (first, written, _) = await fixture.ExportAsync(format, splits: ExportFormats.Splits(format) ? DatasetSplits.Parse("train=0.7,test=0.3", 3) : null);
        Assert.Equal(10, written.Conversations);

        await using var other = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        var (imported, skipped) = await ImportAsync(other, first);
        Assert.Equal(10, imported);
        Assert.Empty(skipped);

        var (second, again, _) = await ExportFixture.ExportAsync(other, format, splits: ExportFormats.Splits(format) ? DatasetSplits.Parse("train=0.7,test=0.3", 3) : null);
        Assert.Equal(written.Files.Order(StringComparer.Ordinal), again.Files.Order(StringComparer.Ordinal));
        foreach (var file in written.Files)
        {
            var before = await File.ReadAllBytesAsync(Path.Combine(first, file));
            var after = await File.ReadAllBytesAsync(Path.Combine(second, file));
            Assert.True(before.SequenceEqual(after), $"{file} differs after a round trip through import");
        }

        // Importing the export again adds nothing: it is the same conversations.
        Assert.Equal(0, (await ImportAsync(other, first)).Imported);
    }

    [Fact]
    public async Task Markdown_ExportImportExport_SameTexts()
    {
        // The seed format carries what the original system wrote (no usage, no provenance): the texts survive, byte for byte.
        await using var fixture = await ExportFixture.CreateAsync();
        var (first, written, _) = await fixture.ExportAsync(ExportFormats.Markdown);
        await using var other = await TranscriptStore.OpenAsync(EngineHarness.NewDatabase());
        await ImportAsync(other, first);
        var (second, _, _) = await ExportFixture.ExportAsync(other, ExportFormats.Markdown);
        var before = written.Files.Select(f => File.ReadAllText(Path.Combine(first, f))).Order(StringComparer.Ordinal).ToList();
        var after = Directory.GetFiles(second).Select(File.ReadAllText).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(before, after);
    }

    private static async Task<(int Imported, List<string> Skipped)> ImportAsync(ITranscriptStore store, string folder)
    {
        var importer = new TranscriptImporter(store);
        var skipped = new List<string>();
        await foreach (var (file, transcript) in TranscriptSources.ReadAsync(TranscriptSources.Collect(folder), skipped.Add))
        {
            await importer.AddAsync(transcript, Path.GetRelativePath(folder, file), "import", folder);
        }

        return (importer.Imported, skipped);
    }
}
