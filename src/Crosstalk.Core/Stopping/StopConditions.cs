using System.Globalization;

namespace Crosstalk.Stopping;

/// <summary>Builds, composes and parses stop conditions.</summary>
public static class StopConditions
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["end-token", "max-messages", "time-limit", "token-budget", "cost-budget", "goodbye-loop", "repetition"];

    /// <summary>
    /// The default policy: the end token (<paramref name="endPolicy"/>, one seat is enough by default) or
    /// <paramref name="maxMessages"/> messages — exactly where the original system's rule stops.
    /// </summary>
    public static StopCondition Default(int maxMessages = MaxMessagesCondition.DefaultLimit, EndTokenPolicy endPolicy = EndTokenPolicy.Any) =>
        Any(new EndTokenCondition(endPolicy), new MaxMessagesCondition(maxMessages));

    /// <summary>Stops when any of <paramref name="conditions"/> fires; the first in order that fires gives the reason.</summary>
    public static StopCondition Any(params IEnumerable<IStopCondition> conditions) => new AnyStopCondition(Flatten<AnyStopCondition>(conditions, c => c.Conditions));

    /// <summary>Stops once every one of <paramref name="conditions"/> has fired, on this message or an earlier one.</summary>
    public static StopCondition All(params IEnumerable<IStopCondition> conditions) => new AllStopCondition(Flatten<AllStopCondition>(conditions, c => c.Conditions));

    /// <summary>
    /// Parses a policy as the CLI takes it: conditions separated by <c>,</c> or <c>|</c> (any fires) and joined by
    /// <c>&amp;</c> (all have fired), each <c>name</c> or <c>name:argument</c>:
    /// <c>end-token[:any|mutual|off]</c>, <c>max-messages:N</c>, <c>time-limit:90s|10m|1h|hh:mm:ss</c>,
    /// <c>token-budget:N</c>, <c>cost-budget:USD</c>, <c>goodbye-loop[:N]</c>, <c>repetition[:K[:threshold]]</c>.
    /// </summary>
    /// <example><c>goodbye-loop,repetition</c>, <c>end-token:mutual | max-messages:200</c>, <c>cost-budget:0.50</c>.</example>
    /// <exception cref="FormatException">The text names an unknown condition or a bad argument; the message says which.</exception>
    public static StopCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var anyOf = new List<IStopCondition>();
        foreach (var alternative in text.Split([',', '|'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var allOf = new List<IStopCondition>();
            foreach (var item in alternative.Split('&', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                allOf.Add(ParseOne(item, text));
            }

            anyOf.Add(allOf.Count == 1 ? allOf[0] : All(allOf));
        }

        return anyOf.Count switch
        {
            0 => throw new FormatException($"The stop policy \"{text}\" names no condition; use one or more of {string.Join(", ", Names)}."),
            1 when anyOf[0] is StopCondition single => single,
            _ => Any(anyOf),
        };
    }

    private static StopCondition ParseOne(string item, string whole)
    {
        var parts = item.Split([':', '='], 2, StringSplitOptions.TrimEntries);
        var name = parts[0].ToLowerInvariant();
        var argument = parts.Length > 1 ? parts[1] : null;
        try
        {
            return name switch
            {
                "end-token" => new EndTokenCondition(argument switch
                {
                    null or "any" => EndTokenPolicy.Any,
                    "mutual" => EndTokenPolicy.Mutual,
                    "off" => EndTokenPolicy.Off,
                    _ => throw Bad(item, whole, "expected any, mutual or off"),
                }),
                "max-messages" => new MaxMessagesCondition(argument is null ? MaxMessagesCondition.DefaultLimit : ParseInt(argument, item, whole)),
                "time-limit" => new TimeLimitCondition(ParseDuration(argument ?? throw Bad(item, whole, "expected a duration such as 90s, 10m or 1h"), item, whole)),
                "token-budget" => new TokenBudgetCondition(ParseLong(argument ?? throw Bad(item, whole, "expected a number of tokens"), item, whole)),
                "cost-budget" => new CostBudgetCondition(ParseDecimal(argument ?? throw Bad(item, whole, "expected an amount in US dollars"), item, whole)),
                "goodbye-loop" => new GoodbyeLoopCondition(argument is null ? GoodbyeLoopCondition.DefaultLength : ParseInt(argument, item, whole)),
                "repetition" => ParseRepetition(argument, item, whole),
                _ => throw new FormatException(
                    $"Unknown stop condition \"{parts[0]}\" in \"{whole}\"; use one of {string.Join(", ", Names)}."),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Bad(item, whole, "the value is out of range");
        }
    }

    private static RepetitionCondition ParseRepetition(string? argument, string item, string whole)
    {
        if (argument is null)
        {
            return new RepetitionCondition();
        }

        var parts = argument.Split(':', StringSplitOptions.TrimEntries);
        var times = ParseInt(parts[0], item, whole);
        var threshold = parts.Length > 1
            ? double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : throw Bad(item, whole, "expected a similarity threshold such as 0.9")
            : Analysis.ShingleSimilarity.NearDuplicateThreshold;
        return new RepetitionCondition(threshold, times);
    }

    private static int ParseInt(string value, string item, string whole) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(item, whole, "expected a whole number");

    private static long ParseLong(string value, string item, string whole) =>
        long.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw Bad(item, whole, "expected a whole number");

    private static decimal ParseDecimal(string value, string item, string whole) =>
        decimal.TryParse(value.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw Bad(item, whole, "expected an amount in US dollars such as 1.50");

    private static TimeSpan ParseDuration(string value, string item, string whole) =>
        Durations.TryParse(value, out var duration) ? duration : throw Bad(item, whole, Durations.Expected);

    private static FormatException Bad(string item, string whole, string problem) =>
        new($"Bad stop condition \"{item}\" in \"{whole}\": {problem}.");

    private static List<IStopCondition> Flatten<T>(IEnumerable<IStopCondition> conditions, Func<T, IReadOnlyList<IStopCondition>> children)
        where T : IStopCondition
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var flat = new List<IStopCondition>();
        foreach (var condition in conditions)
        {
            ArgumentNullException.ThrowIfNull(condition, nameof(conditions));
            if (condition is T same)
            {
                flat.AddRange(children(same));
            }
            else
            {
                flat.Add(condition);
            }
        }

        if (flat.Count == 0)
        {
            throw new ArgumentException("At least one stop condition is needed.", nameof(conditions));
        }

        return flat;
    }
}
