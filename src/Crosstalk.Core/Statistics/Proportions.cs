namespace Crosstalk.Statistics;

/// <summary>Shares with intervals a reviewer accepts for small samples and shares near 0 or 1.</summary>
public static class Proportions
{
    /// <summary>The standard normal quantile for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// The share <paramref name="successes"/> / <paramref name="trials"/> with its Wilson score interval (Wilson 1927;
    /// Newcombe 1998, method 3): it stays inside [0, 1] and keeps its coverage at 0 of n or n of n, where the plain
    /// normal interval does not. No trials: NaN.
    /// </summary>
    public static Interval Wilson(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, successes);
        if (trials == 0)
        {
            return new Interval(double.NaN, double.NaN, double.NaN);
        }

        double n = trials;
        var p = successes / n;
        var z2 = z * z;
        var centre = (p + (z2 / (2 * n))) / (1 + (z2 / n));
        var half = z / (1 + (z2 / n)) * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return new Interval(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
