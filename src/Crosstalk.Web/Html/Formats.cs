using System.Globalization;

namespace Crosstalk.Web.Html;

/// <summary>How values look on the pages.</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? value) =>
        value is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan? value) =>
        value is { } v ? v.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "—";

    public static string Money(decimal? value) =>
        value is { } v ? "$" + v.ToString("0.####", CultureInfo.InvariantCulture) : "—";

    /// <summary>The CSS class that colours a seat; six colours, repeating.</summary>
    public static string SeatClass(int seat) => "seat-" + (((Math.Max(seat, 1) - 1) % 6) + 1).ToString(CultureInfo.InvariantCulture);

    public static string Stop(string? reason) => reason ?? "unfinished";
}
