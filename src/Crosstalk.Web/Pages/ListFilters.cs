using System.Globalization;
using Crosstalk.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Crosstalk.Web.Pages;

/// <summary>The filters of the conversation list, read from and written back to the query string.</summary>
internal sealed record ListFilters(
    string? Model,
    string? Stop,
    int? Min,
    int? Max,
    DateOnly? From,
    DateOnly? To,
    string? Run,
    string? Text,
    int Page)
{
    public const int PageSize = 50;

    public static ListFilters Parse(IQueryCollection query) => new(
        Clean(query["model"]),
        Clean(query["stop"]),
        ParseInt(query["min"]),
        ParseInt(query["max"]),
        ParseDate(query["from"]),
        ParseDate(query["to"]),
        Clean(query["run"]),
        Clean(query["q"]),
        Math.Max(ParseInt(query["page"]) ?? 1, 1));

    public ConversationQuery ToQuery(TimeZoneInfo zone, int? limit = PageSize) => new()
    {
        Participant = Model,
        StopReason = Stop,
        MinMessages = Min,
        MaxMessages = Max,
        StartedFrom = From is { } from ? AtMidnight(from, zone) : null,
        StartedTo = To is { } to && to < DateOnly.MaxValue ? AtMidnight(to.AddDays(1), zone) : null,
        RunId = Run,
        Text = Text,
        Descending = true,
        // A page far past the end (?page=46000000) is an empty page, not an offset that overflows.
        Offset = limit is { } l ? (int)Math.Min(int.MaxValue, (long)(Page - 1) * l) : 0,
        Limit = limit,
    };

    public string ToQueryString(int? page = null)
    {
        var builder = new QueryBuilder();
        Add(builder, "model", Model);
        Add(builder, "stop", Stop);
        Add(builder, "min", Min?.ToString(CultureInfo.InvariantCulture));
        Add(builder, "max", Max?.ToString(CultureInfo.InvariantCulture));
        Add(builder, "from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(builder, "to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(builder, "run", Run);
        Add(builder, "q", Text);
        if ((page ?? Page) > 1)
        {
            builder.Add("page", (page ?? Page).ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToQueryString().Value ?? string.Empty;
    }

    // Null at the ends of the calendar, where the instant lies outside what a DateTimeOffset holds (?to=9999-12-31 was an
    // HTTP 500): no bound is the same filter there.
    private static DateTimeOffset? AtMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var offset = zone.GetUtcOffset(local);
        var utc = local.Ticks - offset.Ticks;
        return utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks ? null : new DateTimeOffset(local, offset);
    }

    private static void Add(QueryBuilder builder, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            builder.Add(name, value);
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int? ParseInt(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
