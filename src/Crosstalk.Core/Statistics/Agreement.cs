namespace Crosstalk.Statistics;

/// <summary>
/// How far raters (judge models, repetitions, a person's hand labels) agree beyond chance. A missing rating is null and
/// is left out; an item with fewer than two ratings says nothing about agreement and is skipped.
/// </summary>
public static class Agreement
{
    /// <summary>
    /// Cohen's κ (Cohen 1960) of two raters over the same items: (observed − chance agreement) / (1 − chance), chance
    /// from each rater's own label shares. Items either rater left out are skipped. No items, or one label only (chance
    /// agreement is then 1 and κ undefined): NaN.
    /// </summary>
    public static double CohensKappa(IReadOnlyList<string?> first, IReadOnlyList<string?> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count)
        {
            throw new ArgumentException("Both raters must rate the same items.", nameof(second));
        }

        var pairs = first.Zip(second).Where(p => p.First is not null && p.Second is not null).Select(p => (A: p.First!, B: p.Second!)).ToList();
        if (pairs.Count == 0)
        {
            return double.NaN;
        }

        double n = pairs.Count;
        var observed = pairs.Count(p => p.A == p.B) / n;
        var chance = pairs.Select(p => p.A).Concat(pairs.Select(p => p.B)).Distinct(StringComparer.Ordinal)
            .Sum(label => pairs.Count(p => p.A == label) / n * (pairs.Count(p => p.B == label) / n));
        return chance >= 1 ? double.NaN : (observed - chance) / (1 - chance);
    }

    /// <summary>
    /// Fleiss' κ (Fleiss 1971) of any number of raters: <paramref name="ratings"/>[item] holds that item's labels. Items
    /// may have different numbers of ratings (each item's agreement is over its own pairs of ratings); with the same
    /// number everywhere this is Fleiss' formula exactly.
    /// </summary>
    public static double FleissKappa(IReadOnlyList<IReadOnlyList<string?>> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var items = ratings.Select(r => r.Where(l => l is not null).Select(l => l!).ToList()).Where(r => r.Count >= 2).ToList();
        if (items.Count == 0)
        {
            return double.NaN;
        }

        var perItem = 0.0;
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        var all = 0;
        foreach (var item in items)
        {
            var counts = item.GroupBy(l => l, StringComparer.Ordinal).Select(g => (Label: g.Key, Count: g.Count())).ToList();
            double m = item.Count;
            perItem += counts.Sum(c => (double)c.Count * (c.Count - 1)) / (m * (m - 1));
            foreach (var (label, count) in counts)
            {
                totals[label] = totals.GetValueOrDefault(label) + count;
            }

            all += item.Count;
        }

        var observed = perItem / items.Count;
        var chance = totals.Values.Sum(c => ((double)c / all) * ((double)c / all));
        return chance >= 1 ? double.NaN : (observed - chance) / (1 - chance);
    }

    /// <summary>How Krippendorff's α measures the distance between two values.</summary>
    public enum Metric
    {
        /// <summary>Labels: equal or not.</summary>
        Nominal,

        /// <summary>Numbers on a scale: squared difference.</summary>
        Interval,
    }

    /// <summary>
    /// Krippendorff's α (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): 1 − observed / expected
    /// disagreement over the coincidences of values within units. <paramref name="units"/>[unit] holds that unit's values
    /// (one per rater, null where a rater gave none); units with fewer than two values are skipped. For judge scales
    /// (1–5) use <see cref="Metric.Interval"/>.
    /// </summary>
    public static double KrippendorffAlpha(IReadOnlyList<IReadOnlyList<double?>> units, Metric metric)
    {
        ArgumentNullException.ThrowIfNull(units);
        var pairable = units.Select(u => u.Where(v => v is not null).Select(v => v!.Value).ToList()).Where(u => u.Count >= 2).ToList();
        if (pairable.Count == 0)
        {
            return double.NaN;
        }

        // The coincidence matrix: every ordered pair of values within a unit, weighted 1 / (m_u − 1).
        var coincidences = new Dictionary<(double, double), double>();
        foreach (var unit in pairable)
        {
            var weight = 1.0 / (unit.Count - 1);
            for (var i = 0; i < unit.Count; i++)
            {
                for (var j = 0; j < unit.Count; j++)
                {
                    if (i != j)
                    {
                        var key = (unit[i], unit[j]);
                        coincidences[key] = coincidences.GetValueOrDefault(key) + weight;
                    }
                }
            }
        }

        var marginals = new Dictionary<double, double>();
        foreach (var ((c, _), count) in coincidences)
        {
            marginals[c] = marginals.GetValueOrDefault(c) + count;
        }

        var n = marginals.Values.Sum();
        var observed = coincidences.Sum(pair => pair.Value * Distance(pair.Key.Item1, pair.Key.Item2, metric));
        var expected = 0.0;
        foreach (var (c, nc) in marginals)
        {
            foreach (var (k, nk) in marginals)
            {
                expected += nc * nk * Distance(c, k, metric);
            }
        }

        expected /= n - 1;
        return expected == 0 ? double.NaN : 1 - (observed / expected);
    }

    private static double Distance(double a, double b, Metric metric) => metric switch
    {
        Metric.Nominal => a.Equals(b) ? 0 : 1,
        _ => (a - b) * (a - b),
    };

    /// <summary>Spearman's rank correlation of paired values (ties get their average rank); fewer than two pairs: NaN.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException("Both lists must pair the same items.", nameof(y));
        }

        if (x.Count < 2)
        {
            return double.NaN;
        }

        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]].Equals(values[order[i]]))
            {
                j++;
            }

            var rank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = rank;
            }

            i = j + 1;
        }

        return ranks;
    }
}
