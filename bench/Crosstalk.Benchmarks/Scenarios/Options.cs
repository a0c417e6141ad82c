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
}
