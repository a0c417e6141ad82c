using System.Globalization;

namespace Crosstalk.Statistics;

/// <summary>An estimate with its 95 % interval (or another level, as its maker says).</summary>
/// <param name="Estimate">The point estimate: a share, a mean, a median.</param>
/// <param name="Low">The interval's lower end.</param>
/// <param name="High">The interval's upper end.</param>
public readonly record struct Interval(double Estimate, double Low, double High)
{
    /// <summary>"0.42 (0.30–0.55)", with <paramref name="format"/> for each number.</summary>
    public string ToString(string format) => string.Create(
        CultureInfo.InvariantCulture, $"{Estimate.ToString(format, CultureInfo.InvariantCulture)} ({Low.ToString(format, CultureInfo.InvariantCulture)}–{High.ToString(format, CultureInfo.InvariantCulture)})");

    /// <inheritdoc/>
    public override string ToString() => ToString("0.###");
}
