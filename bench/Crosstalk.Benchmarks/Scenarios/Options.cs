using System.Globalization;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>Command-line options of the whole-process scenarios: <c>--name value</c>.</summary>
internal static class Options
{
    public static int Int(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Prints a side's median wall and CPU time over its rounds, and its CPU per call.</summary>
    public static void PrintMedians(string name, IReadOnlyList<(double Cpu, double Wall)> rounds, int calls)
    {
        double wall = Median(rounds.Select(r => r.Wall)), cpu = Median(rounds.Select(r => r.Cpu));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {name} wall {wall:0.000} s  cpu {cpu:0.000} s ({cpu / calls * 1e6:0} µs per call)"));
    }

    /// <summary>
    /// Prints the ratio of the two sides' medians, then each round's CPU ratio, sorted, with their median and its 95 %
    /// interval: the rounds' ratios are what varies with the host, and the interval tells two runs (or a run and a
    /// target) apart from noise. Round <c>i</c> of one side is paired with round <c>i</c> of the other.
    /// </summary>
    public static void PrintRatios(string ratioName, IReadOnlyList<(double Cpu, double Wall)> bare, IReadOnlyList<(double Cpu, double Wall)> other)
    {
        double bareWall = Median(bare.Select(r => r.Wall)), bareCpu = Median(bare.Select(r => r.Cpu));
        double otherWall = Median(other.Select(r => r.Wall)), otherCpu = Median(other.Select(r => r.Cpu));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio {ratioName}: wall {otherWall / bareWall:0.000}, cpu {otherCpu / bareCpu:0.000}"));
        var pairs = bare.Zip(other, (b, o) => o.Cpu / b.Cpu).Order().ToList();
        var interval = MedianInterval(pairs) is { } ci
            ? string.Create(CultureInfo.InvariantCulture, $", 95 % interval {ci.Low:0.000}–{ci.High:0.000}")
            : ", too few rounds for an interval";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu ratio of each round: {string.Join(" ", pairs.Select(p => p.ToString("0.000", CultureInfo.InvariantCulture)))} (median {Median(pairs):0.000}{interval})"));
    }

    /// <summary>
    /// A distribution-free 95 % confidence interval for the median of <paramref name="values"/>: two order statistics,
    /// by the normal approximation to the binomial; null for fewer than 6 values, where no such interval exists.
    /// </summary>
    public static (double Low, double High)? MedianInterval(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        var spread = 1.96 * Math.Sqrt(n) / 2;
        var low = (int)Math.Ceiling((n / 2.0) - spread);
        var high = (int)Math.Floor(1 + (n / 2.0) + spread);
        return n < 6 || low < 1 || high > n ? null : (sorted[low - 1], sorted[high - 1]);
    }

    /// <summary>The repository's root (where Crosstalk.slnx is), to find the built CLI.</summary>
    /// <summary>The Release build of the CLI in this checkout (build it first: dotnet build src/Crosstalk.Cli -c Release).</summary>
    public static string Cli() => Path.Combine(Root(), "src", "Crosstalk.Cli", "bin", "Release", "net10.0", "crosstalk.dll");

    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crosstalk.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
