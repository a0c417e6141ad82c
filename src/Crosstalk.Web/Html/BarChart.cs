using System.Globalization;

namespace Crosstalk.Web.Html;

/// <summary>
/// A horizontal bar chart in plain HTML — the corpus charts and the study charts alike: labels and values are text at the
/// page's size (readable at any width, encoded like any text), each bar an SVG width from zero to the largest value (an
/// attribute, so the viewer's content security policy, which allows no inline style, lets it through), and a 95 %
/// interval, when a bar has one, drawn as a whisker across it.
/// </summary>
internal static class BarChart
{
    /// <summary>One bar: its label (a link when <paramref name="Href"/> is set), value, the text shown, and its interval.</summary>
    public sealed record Bar(string Label, double Value, string Shown, string? Href = null, double? Low = null, double? High = null);

    /// <summary>Writes the chart; with no bars, a figure that says "none" (or nothing, when <paramref name="emptySaysNone"/> is off).</summary>
    public static void Write(HtmlBuilder html, string title, string id, IEnumerable<Bar> bars, bool emptySaysNone = true)
    {
        var list = bars.ToList();
        if (list.Count == 0 && !emptySaysNone)
        {
            return;
        }

        html.Open("figure", ("class", "bars"), ("id", id)).Element("figcaption", title);
        if (list.Count == 0)
        {
            html.Element("p", "none", ("class", "empty")).Close("figure");
            return;
        }

        var max = list.Max(b => b.High ?? b.Value);
        html.Raw("<ol class=\"bar-rows\">");
        foreach (var bar in list)
        {
            html.Open("li").Open("span", ("class", "bar-label"));
            if (bar.Href is null)
            {
                html.Text(bar.Label);
            }
            else
            {
                html.Link(bar.Href, bar.Label);
            }

            html.Close("span")
                .Open("svg", ("class", "bar-track"), ("viewBox", "0 0 100 1"), ("preserveAspectRatio", "none"), ("aria-hidden", "true"))
                .Open("rect", ("class", "bar"), ("width", Percent(bar.Value, max)), ("height", "1")).Close("rect");
            if (bar.Low is { } low && bar.High is { } high)
            {
                html.Open("rect", ("class", "whisker"), ("x", Percent(low, max)), ("y", "0.4"), ("width", N(Math.Max(0.4, max <= 0 ? 0 : (high - low) / max * 100))), ("height", "0.2")).Close("rect");
            }

            html.Close("svg").Element("span", bar.Shown, ("class", "bar-value")).Close("li");
        }

        html.Raw("</ol>").Close("figure");
    }

    private static string Percent(double value, double max) => N(max <= 0 ? 0 : value / max * 100);

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
