using System.Globalization;

namespace Crosstalk;

/// <summary>
/// The one way Crosstalk reads and writes a duration, wherever a user types one (command-line options, experiment
/// files, stop policies, model catalogs): <c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1.5s</c>, <c>500ms</c>, or <c>hh:mm:ss</c>.
/// </summary>
public static class Durations
{
    /// <summary>The longest duration accepted: a conversation limited by more than a year is not limited.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    /// <summary>Reads a positive duration no longer than <see cref="Longest"/>; false for anything else.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var milliseconds = text.EndsWith("ms", StringComparison.Ordinal);
        if (milliseconds)
        {
            // Read as seconds, then scaled.
            text = text[..^2] + "s";
        }

        if (text.Length > 1 && char.IsAsciiLetterLower(text[^1])
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            var seconds = text[^1] switch
            {
                's' when milliseconds => amount / 1000,
                's' => amount,
                'm' when !milliseconds => amount * 60,
                'h' when !milliseconds => amount * 3600,
                _ => double.NaN,
            };
            if (double.IsFinite(seconds) && seconds > 0 && seconds <= Longest.TotalSeconds)
            {
                duration = TimeSpan.FromSeconds(seconds);
                return true;
            }

            return false;
        }

        if (!milliseconds && text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero && span <= Longest)
        {
            duration = span;
            return true;
        }

        return false;
    }

    /// <summary>Writes a duration so that <see cref="TryParse"/> reads it back exactly: <c>90s</c>, <c>0.25s</c>.</summary>
    public static string Format(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : duration.TotalSeconds.ToString("0.#######", CultureInfo.InvariantCulture) + "s";

    /// <summary>The sentence every reader of a bad duration says, after naming where it was.</summary>
    public const string Expected = "write a duration such as 90s, 10m, 2h or 00:10:00 (at most 366 days)";

    /// <summary>
    /// A duration written in milliseconds (as the transcript formats write latencies), rounded to whole ticks: exact for
    /// every value <see cref="TimeSpan.TotalMilliseconds"/> gave.
    /// </summary>
    public static TimeSpan? FromMilliseconds(double? milliseconds) =>
        milliseconds is { } ms ? TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond)) : null;
}
