using BenchmarkDotNet.Running;
using Crosstalk.Benchmarks.Scenarios;

namespace Crosstalk.Benchmarks;

internal static class Program
{
    // Micro benchmarks: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- --filter '*'
    // Whole-process batch throughput: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- batch-throughput
    // The cluster, one silo against three (PostgreSQL needed): dotnet run -c Release --project bench/Crosstalk.Benchmarks -- cluster-throughput
    // Export of 100,000 conversations to Parquet against reading them: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- dataset-export
    // Analysis of degenerate text against prose, 0.1-10 MB: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- degenerate-analysis
    // Import and analysis of a folder, cold processes: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- folder-import PATH
    // Detectors against hand labels (docs/analysis.md): dotnet run -c Release --project bench/Crosstalk.Benchmarks -- detector-quality --logs PATH [--judge MODEL]
    // Streaming middleware, layer by layer, in process: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- layer-cost
    private static async Task<int> Main(string[] args)
    {
        switch (args.Length > 0 ? args[0] : "")
        {
            case "batch-throughput":
                return await BatchThroughputScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "provider-overhead":
                return await ProviderOverheadScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "store-append":
                return await StoreAppendScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "dataset-export":
                return await DatasetExportScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "web-large-store":
                return await WebLargeStoreScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "layer-cost":
                return await LayerCostScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "cluster-throughput":
                return await ClusterThroughputScenario.RunAsync(args[1..]).ConfigureAwait(false);
            case "degenerate-analysis":
                return HostileInputScenario.RunDegenerate(args[1..]);
            case "folder-import":
                return await HostileInputScenario.RunFolderAsync(args[1..]).ConfigureAwait(false);
            case "detector-quality":
                return DetectorQualityScenario.Run(args[1..]);
            case "fake-server":
                return await FakeServerProcess.RunServerAsync(args[1..]).ConfigureAwait(false);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
