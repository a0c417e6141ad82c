namespace Crosstalk.Statistics;

/// <summary>
/// Percentile bootstrap intervals (Efron &amp; Tibshirani 1993, ch. 13): resample the values with replacement, compute
/// the statistic on each resample, take the 2.5th and 97.5th percentiles. Seeded, so a report is the same each time.
/// </summary>
public static class Bootstrap
{
    /// <summary>Resamples drawn by default.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>The mean of <paramref name="values"/> with its 95 % percentile bootstrap interval; no values: NaN.</summary>
    public static Interval Mean(IReadOnlyList<double> values, int resamples = DefaultResamples, int seed = 1) =>
        Of(values, Statistic.Mean, resamples, seed);

    /// <summary>The median of <paramref name="values"/> with its 95 % percentile bootstrap interval; no values: NaN.</summary>
    public static Interval Median(IReadOnlyList<double> values, int resamples = DefaultResamples, int seed = 1) =>
        Of(values, Statistic.Median, resamples, seed);

    private enum Statistic
    {
        Mean,
        Median,
    }

    private static Interval Of(IReadOnlyList<double> values, Statistic statistic, int resamples, int seed)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        if (values.Count == 0)
        {
            return new Interval(double.NaN, double.NaN, double.NaN);
        }

        var estimate = Compute(values.ToArray(), statistic);
        var random = new Random(seed);
        var sample = new double[values.Count];
        var results = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = values[random.Next(values.Count)];
            }

            results[r] = Compute(sample, statistic);
        }

        Array.Sort(results);
        return new Interval(estimate, Percentile(results, 0.025), Percentile(results, 0.975));
    }

    private static double Compute(double[] values, Statistic statistic)
    {
        if (statistic == Statistic.Mean)
        {
            return values.Average();
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return Percentile(sorted, 0.5);
    }

    /// <summary>The <paramref name="p"/> quantile of sorted values, interpolated between the two nearest (type 7).</summary>
    internal static double Percentile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
