using System.Diagnostics;
using System.Globalization;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Exports;
using Crosstalk.Storage;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Export of a large store to Parquet against reading the same conversations from the store: fills a SQLite store with N
/// small conversations (those of <see cref="WebLargeStoreScenario"/>), keeps their analyses, then times, in the same
/// process and run, (1) reading every conversation from the store the way an export selects them (its list, then each
/// conversation by id) and (2) the whole export to one Parquet file, with provenance and analysis columns.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- dataset-export [--conversations 100000] [--rounds 3]
/// [--db path-to-keep-or-reuse.db]</c>.
/// </remarks>
internal static class DatasetExportScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var conversations = Options.Int(args, "--conversations", 100_000);
        var rounds = Options.Int(args, "--rounds", 3);
        var keep = Options.Text(args, "--db");
        var folder = Path.Combine(Path.GetTempPath(), "crosstalk-export-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var db = keep ?? Path.Combine(folder, "large.db");
        Directory.CreateDirectory(folder);
        try
        {
            await using var store = await TranscriptStore.OpenAsync(db);
            await WebLargeStoreScenario.FillAsync(store, conversations, writers: 8);

            var analyses = new StoredAnalyses(store);
            var analysing = Stopwatch.StartNew();
            var analysed = await analyses.CatchUpAsync(ConversationQuery.All);
            if (analysed > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysed and kept {analysed:N0} conversations in {analysing.Elapsed.TotalSeconds:0.0} s (a batch or an import keeps them as it goes)"));
            }

            var reads = new List<double>();
            var exports = new List<double>();
            long size = 0;
            for (var round = 1; round <= rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                var ids = new List<long>();
                await foreach (var summary in store.ListConversationsAsync(ConversationQuery.All))
                {
                    ids.Add(summary.Id);
                }

                var messages = 0L;
                foreach (var id in ids)
                {
                    messages += (await store.GetTranscriptAsync(id))!.Messages.Count;
                }

                reads.Add(clock.Elapsed.TotalSeconds);

                clock.Restart();
                var output = Path.Combine(folder, "out");
                var exporter = new ConversationExporter(store, analyses);
                var result = await ExportWriter.WriteAsync(exporter.ReadAsync([], [], new ExportFilter()), ExportFormats.Parquet, output, "bench", DatasetSplits.Single, []);
                exports.Add(clock.Elapsed.TotalSeconds);
                size = new FileInfo(Path.Combine(output, result.Files[0])).Length;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: read {ids.Count:N0} conversations ({messages:N0} messages) in {reads[^1]:0.00} s; exported {result.Conversations:N0} rows in {exports[^1]:0.00} s"));
            }

            var read = Options.Median(reads);
            var export = Options.Median(exports);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{conversations:N0} conversations, median of {rounds} rounds:"));
            Console.WriteLine("| | Time | Conversations per second | Against reading |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| read every conversation from the store (baseline) | {read:0.00} s | {conversations / read:N0} | 1.00 × |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| export to Parquet ({size / 1e6:0.0} MB, zstd) | {export:0.00} s | {conversations / export:N0} | {export / read:0.00} × |"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }
}
