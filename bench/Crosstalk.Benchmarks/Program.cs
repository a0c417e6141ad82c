using BenchmarkDotNet.Running;

namespace Crosstalk.Benchmarks;

internal static class Program
{
    // Micro benchmarks: dotnet run -c Release --project bench/Crosstalk.Benchmarks -- --filter '*'
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
