namespace Crosstalk.Statistics;

/// <summary>Exact tests for small counts.</summary>
public static class ExactTests
{
    /// <summary>
    /// Fisher's exact test of a 2×2 table [[a, b], [c, d]], two-sided: the probability, with the margins fixed, of a table
    /// at most as likely as the one observed. For the order effect: rows are the two orders (A first, B first), columns
    /// whether the thing happened (A ended first) or not.
    /// </summary>
    public static double FisherTwoSided(int a, int b, int c, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        var row1 = a + b;
        var col1 = a + c;
        var n = a + b + c + d;
        var low = Math.Max(0, col1 - (n - row1));
        var high = Math.Min(row1, col1);
        var observed = LogHypergeometric(a, row1, col1, n);
        var total = 0.0;
        for (var x = low; x <= high; x++)
        {
            var log = LogHypergeometric(x, row1, col1, n);
            // Tables as likely as the observed one count too; the tolerance absorbs rounding in the logarithms.
            if (log <= observed + 1e-7)
            {
                total += Math.Exp(log);
            }
        }

        return Math.Min(1, total);
    }

    private static double LogHypergeometric(int x, int row1, int col1, int n) =>
        LogChoose(row1, x) + LogChoose(n - row1, col1 - x) - LogChoose(n, col1);

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        var sum = 0.0;
        for (var i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }
}
