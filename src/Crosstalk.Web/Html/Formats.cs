using System.Globalization;
using Crosstalk.Transcripts;

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

    /// <summary>
    /// The CSS class that styles a stop reason by what it means to a reader: an end the models chose, a limit the run set,
    /// a guard that cut a loop short, an interruption, an error, or a conversation still going. Only errors are red.
    /// </summary>
    public static string StopClass(string? reason) => "stop stop-" + StopMeaning(reason);

    public static string StopMeaning(string? reason) => reason switch
    {
        StopReasons.EndToken => "ended",
        StopReasons.MaxMessages or StopReasons.TimeLimit or StopReasons.TokenBudget or StopReasons.CostBudget => "limit",
        StopReasons.GoodbyeLoop or StopReasons.Repetition or StopReasons.EmptyReply => "guard",
        StopReasons.Interrupted => "interrupted",
        StopReasons.Error => "error",
        null or "unfinished" or "running" => "running",
        _ => "other",
    };
}
