namespace Crosstalk.Analysis;

/// <summary>
/// Draws a series as a one-line text chart of block characters, from zero (▁) to the largest value (█): a bar's height
/// is its value, so 10, 11, 12 read as nearly equal, as they are (a scale from the smallest value made them ▁▄█).
/// </summary>
public static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>Renders <paramref name="values"/> one character each; empty for no values; all ▁ when all are zero.</summary>
    /// <param name="values">The series; NaN and infinities are drawn as ▁.</param>
    /// <param name="maxWidth">When positive and shorter than the series, consecutive values are averaged into this many characters.</param>
    public static string Render(IReadOnlyList<double> values, int maxWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        var series = maxWidth > 0 && values.Count > maxWidth ? Squeeze(values, maxWidth) : values;
        var finite = series.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return new string(Blocks[0], series.Count);
        }

        var min = Math.Min(0, finite.Min());
        var range = finite.Max() - min;
        return string.Create(series.Count, (series, min, range), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var v = state.series[i];
                span[i] = !double.IsFinite(v) || state.range == 0
                    ? Blocks[0]
                    : Blocks[(int)Math.Round((v - state.min) / state.range * (Blocks.Length - 1))];
            }
        });
    }

    private static double[] Squeeze(IReadOnlyList<double> values, int width)
    {
        var result = new double[width];
        for (var i = 0; i < width; i++)
        {
            var from = (int)((long)i * values.Count / width);
            var to = (int)((long)(i + 1) * values.Count / width);
            double sum = 0;
            for (var k = from; k < to; k++)
            {
                sum += values[k];
            }

            result[i] = sum / Math.Max(1, to - from);
        }

        return result;
    }
}
