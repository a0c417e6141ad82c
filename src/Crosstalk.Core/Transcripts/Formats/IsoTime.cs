using System.Globalization;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// Times as other tools write them in JSON: ISO 8601, with an offset or <c>Z</c> (UTC), or without one where a tool
/// writes none. Exactly that form: a lenient parse took "13:08:38" for today at that time, and "Dec 5" for this year's.
/// </summary>
internal static class IsoTime
{
    private static readonly string[] Zoned =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    private static readonly string[] Unzoned = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    /// <summary>Reads a time that carries its offset (or <c>Z</c>).</summary>
    public static bool TryParseZoned(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, Zoned, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    /// <summary>
    /// Reads a time with or without an offset; one without is taken as UTC, as the tools that write them (Inspect,
    /// llm2llm, UniversalBackrooms) run their clocks.
    /// </summary>
    public static bool TryParse(string text, out DateTimeOffset value) =>
        TryParseZoned(text, out value)
        || DateTimeOffset.TryParseExact(text, Unzoned, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    /// <summary>The time in <paramref name="text"/>, or null when there is none; a text that is not one is a <see cref="FormatException"/> naming the field.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not an ISO-8601 time.</exception>
    public static DateTimeOffset? Read(string? text, string field) =>
        text is null ? null
        : TryParse(text, out var value) ? value
        : throw new FormatException($"'{field}' is '{ErrorText.OneLine(text)}', which is not an ISO-8601 time");
}
