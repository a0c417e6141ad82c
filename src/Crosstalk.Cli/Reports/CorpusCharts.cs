using Crosstalk.Analysis;
using ScottPlot;

namespace Crosstalk.Cli.Reports;

/// <summary>The corpus report's charts, drawn with ScottPlot as PNG bytes (labels are drawn as pixels, so untrusted names cannot inject markup).</summary>
internal static class CorpusCharts
{
    public const int Width = 900;
    public const int Height = 360;

    /// <summary>A bar per row, labelled with the row's key; long label lists are thinned so they stay legible.</summary>
    public static byte[] Bars(IReadOnlyList<CountRow> rows, string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        var values = rows.Select(r => (double)r.Count).ToArray();
        var bars = plot.Add.Bars(values);
        bars.Color = Colors.SteelBlue;
        var step = Math.Max(1, rows.Count / 25);
        var ticks = rows.Select((r, i) => (Position: (double)i, Label: i % step == 0 ? Shorten(r.Key) : ""))
            .ToArray();
        plot.Axes.Bottom.SetTicks([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = rows.Count > 8 ? -45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = rows.Count > 8 ? Alignment.MiddleRight : Alignment.UpperCenter;
        Style(plot, title, xLabel, yLabel);
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Grouped bars: for each label, one bar per series.</summary>
    public static byte[] GroupedBars(IReadOnlyList<string> labels, IReadOnlyList<(string Name, double[] Values)> series, string title, string yLabel)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var groupWidth = series.Count + 1.0;
        for (var s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (var i = 0; i < labels.Count; i++)
            {
                bars.Add(new Bar { Position = (i * groupWidth) + s, Value = series[s].Values[i], FillColor = palette.GetColor(s) });
            }

            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = palette.GetColor(s) });
        }

        plot.Axes.Bottom.SetTicks(
            [.. labels.Select((_, i) => (i * groupWidth) + ((series.Count - 1) / 2.0))],
            [.. labels.Select(Shorten)]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = labels.Count > 6 ? -30 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = labels.Count > 6 ? Alignment.MiddleRight : Alignment.UpperCenter;
        plot.ShowLegend(Alignment.UpperRight);
        Style(plot, title, "", yLabel);
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void Style(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }

    private static string Shorten(string label) => label.Length <= 24 ? label : label[..23] + "…";
}
