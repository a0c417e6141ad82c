using BenchmarkDotNet.Running;

namespace Crosstalk.Benchmarks;

internal static class Program
{
    // Micro benchmarks: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- --filter '*'
    // Whole-process batch throughput: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- batch-throughput
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "batch-throughput")
        {
            return await BatchThroughputScenario.RunAsync(args[1..]).ConfigureAwait(false);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
