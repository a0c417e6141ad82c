using System.Globalization;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// The seed formats store wall-clock times without an offset. They are read as times in this machine's
/// zone, and written back as the clock time the value carries, so a round trip never shifts them.
/// </summary>
internal static class LocalClock
{
    public const string SecondsFormat = "yyyy-MM-dd HH:mm:ss";

    public static DateTimeOffset FromClock(DateTime clock)
    {
        var unspecified = DateTime.SpecifyKind(clock, DateTimeKind.Unspecified);
        // GetUtcOffset treats an unspecified time as local and never throws for a time in a DST gap.
        var offset = TimeZoneInfo.Local.GetUtcOffset(unspecified);

        // 0001-01-01 00:00 east of UTC (or 9999-12-31 23:59 west of it) is before (after) any instant there is: the clock
        // time is kept, at UTC, so the file reads the same in every zone and is written back as it was.
        var utcTicks = unspecified.Ticks - offset.Ticks;
        return utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks
            ? new DateTimeOffset(unspecified, TimeSpan.Zero)
            : new DateTimeOffset(unspecified, offset);
    }

    public static bool TryParseSeconds(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        if (DateTime.TryParseExact(text, SecondsFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            value = FromClock(clock);
            return true;
        }

        value = default;
        return false;
    }

    public static string FormatSeconds(DateTimeOffset value) =>
        value.ToString(SecondsFormat, CultureInfo.InvariantCulture);
}
