using Crosstalk.Statistics;

namespace Crosstalk.Core.Tests.Statistics;

/// <summary>Every statistic against a published, worked example.</summary>
public sealed class StatisticsTests
{
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17, Table II,
    // method 3 (Wilson score, no continuity correction).
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_NewcombesExamples(int successes, int trials, double low, double high)
    {
        var interval = Proportions.Wilson(successes, trials);

        Assert.Equal((double)successes / trials, interval.Estimate, 10);
        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }

    [Fact]
    public void Wilson_NoTrials_IsUnknown() => Assert.True(double.IsNaN(Proportions.Wilson(0, 0).Estimate));

    // Cohen's kappa, the worked example of Wikipedia's article (50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15).
    [Fact]
    public void CohensKappa_WorkedExample_IsPointFour()
    {
        var a = new List<string?>();
        var b = new List<string?>();
        void Add(int count, string x, string y)
        {
            for (var i = 0; i < count; i++)
            {
                a.Add(x);
                b.Add(y);
            }
        }

        Add(20, "yes", "yes");
        Add(5, "yes", "no");
        Add(10, "no", "yes");
        Add(15, "no", "no");

        Assert.Equal(0.4, Agreement.CohensKappa(a, b), 10);
    }

    // Fleiss (1971) as worked in Wikipedia's article: 10 subjects, 14 raters, 5 categories; kappa = 0.210.
    [Fact]
    public void FleissKappa_WorkedExample()
    {
        int[][] counts =
        [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ];
        var ratings = counts.Select(row => (IReadOnlyList<string?>)row.SelectMany((n, category) => Enumerable.Repeat<string?>("c" + category, n)).ToList()).ToList();

        Assert.Equal(0.210, Agreement.FleissKappa(ratings), 3);
    }

    [Fact]
    public void FleissKappa_PerfectAgreementIsOne_OneLabelOnlyIsUndefined()
    {
        var same = Enumerable.Range(0, 12).Select(i => (IReadOnlyList<string?>)[i % 3 == 0 ? "a" : "b", i % 3 == 0 ? "a" : "b", i % 3 == 0 ? "a" : "b"]).ToList();
        var oneLabel = Enumerable.Range(0, 5).Select(_ => (IReadOnlyList<string?>)["a", "a"]).ToList();

        Assert.Equal(1.0, Agreement.FleissKappa(same), 10);
        Assert.True(double.IsNaN(Agreement.FleissKappa(oneLabel)));
        Assert.True(double.IsNaN(Agreement.CohensKappa(["a", "a"], ["a", "a"])));
    }

    // Items rated by different numbers of raters (a judge that failed to answer): each item's agreement over its own pairs.
    // Worked by hand: item 1 [a,a,a] P=1, item 2 [a,b] P=0, item 3 [b,b,b,b] P=1, item 4 [a,a,b] P=1/3: mean 7/12;
    // labels a 6 of 12, b 6 of 12: chance 1/2; kappa (7/12 − 1/2) / (1/2) = 1/6. A missing rating (null) is left out.
    [Fact]
    public void FleissKappa_UnequalNumbersOfRaters_WorkedByHand()
    {
        IReadOnlyList<IReadOnlyList<string?>> ratings = [["a", "a", "a"], ["a", "b", null], ["b", "b", "b", "b"], ["a", "a", "b"]];

        Assert.Equal(1.0 / 6, Agreement.FleissKappa(ratings), 10);
    }

    // Efron & Tibshirani (1993), An Introduction to the Bootstrap, Table 2.1: the treated mice's survival times; the
    // bootstrap standard error of their mean is 23.36. A percentile interval then spans about ±1.96 of it.
    [Fact]
    public void BootstrapMean_EfronAndTibshiranisMouseData()
    {
        double[] treated = [94, 197, 16, 38, 99, 141, 23];

        var interval = Bootstrap.Mean(treated, resamples: 4000, seed: 3);

        Assert.Equal(86.857, interval.Estimate, 3);
        Assert.InRange(interval.High - interval.Low, 2 * 1.96 * 23.36 * 0.85, 2 * 1.96 * 23.36 * 1.15);
        Assert.True(interval.Low > 30 && interval.High < 150, interval.ToString());
    }

    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers, 12 units, missing values;
    // alpha = 0.743 (nominal) and 0.849 (interval).
    [Fact]
    public void KrippendorffAlpha_WorkedExample()
    {
        double?[][] observers =
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
            [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
        ];
        var units = Enumerable.Range(0, 12).Select(u => (IReadOnlyList<double?>)observers.Select(o => o[u]).ToList()).ToList();

        Assert.Equal(0.743, Agreement.KrippendorffAlpha(units, Agreement.Metric.Nominal), 3);
        Assert.Equal(0.849, Agreement.KrippendorffAlpha(units, Agreement.Metric.Interval), 3);
    }

    // Fisher's lady tasting tea: 3 of 4 cups right each way; two-sided p = 0.4857 (= 34/70).
    [Fact]
    public void FisherExact_LadyTastingTea()
    {
        Assert.Equal(34.0 / 70, ExactTests.FisherTwoSided(3, 1, 1, 3), 6);
        Assert.Equal(2.0 / 70, ExactTests.FisherTwoSided(4, 0, 0, 4), 6);
        Assert.Equal(1.0, ExactTests.FisherTwoSided(2, 2, 2, 2), 6);
    }

    // Spearman, the worked example of Wikipedia's article (IQ against hours of television): rho = -29/165.
    [Fact]
    public void Spearman_WorkedExample()
    {
        double[] iq = [106, 86, 100, 101, 99, 103, 97, 113, 112, 110];
        double[] tv = [7, 0, 27, 50, 28, 29, 20, 12, 6, 17];

        Assert.Equal(-29.0 / 165, Agreement.Spearman(iq, tv), 6);
    }

    // The bootstrap of a mean agrees with the textbook normal interval (mean ± 1.96 s/√n) on a large symmetric sample,
    // and is the same each time for a seed.
    [Fact]
    public void BootstrapMean_AgreesWithTheNormalInterval_AndIsRepeatable()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        var half = Proportions.Z95 * sd / Math.Sqrt(values.Count);

        var interval = Bootstrap.Mean(values, seed: 7);

        Assert.Equal(50.5, interval.Estimate, 10);
        Assert.InRange(interval.Low, mean - (half * 1.1), mean - (half * 0.9));
        Assert.InRange(interval.High, mean + (half * 0.9), mean + (half * 1.1));
        Assert.Equal(interval, Bootstrap.Mean(values, seed: 7));
    }

    [Fact]
    public void BootstrapMedian_OfAConstant_IsThatConstant()
    {
        var interval = Bootstrap.Median([4, 4, 4, 4, 4]);

        Assert.Equal(new Interval(4, 4, 4), interval);
    }
}
