using System.Globalization;

namespace Crosstalk.Experiments;

/// <summary>
/// The stop policy as a user writes it (flags of <c>crosstalk run</c>, the <c>stop:</c> section of an
/// experiment, the original system's <c>max_turns</c>/<c>end_codeword</c>), before it becomes stop conditions.
/// </summary>
public sealed record StopSettings
{
    /// <summary>Messages at most, the opener included. Default 100.</summary>
    public int MaxMessages { get; init; } = 100;

    /// <summary>The end token. Default <c>[END]</c>.</summary>
    public string EndToken { get; init; } = "[END]";

    /// <summary><c>any</c> (default), <c>mutual</c> or <c>off</c>.</summary>
    public string EndPolicy { get; init; } = "any";

    /// <summary>Extra guards: <c>goodbye-loop</c>, <c>repetition</c>.</summary>
    public IReadOnlyList<string> Guards { get; init; } = [];

    /// <summary>Wall-clock limit per conversation.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Tokens (in + out) per conversation.</summary>
    public long? TokenBudget { get; init; }

    /// <summary>US dollars per conversation.</summary>
    public decimal? CostBudget { get; init; }

    /// <summary>The known end policies.</summary>
    public static IReadOnlyList<string> EndPolicies { get; } = ["any", "mutual", "off"];

    /// <summary>The known guards.</summary>
    public static IReadOnlyList<string> KnownGuards { get; } = ["goodbye-loop", "repetition"];

    /// <summary>
    /// These settings in the one stop-policy language that <see cref="Stopping.StopConditions.Parse"/> reads and every plan
    /// stores: <c>end-token:any | max-messages:100 | goodbye-loop | time-limit:90s</c>, conditions in the order they are
    /// checked (the first that fires on a message gives the reason).
    /// </summary>
    public string ToPolicy()
    {
        var parts = new List<string>
        {
            "end-token:" + EndPolicy,
            "max-messages:" + MaxMessages.ToString(CultureInfo.InvariantCulture),
        };
        parts.AddRange(Guards);
        if (TimeLimit is { } limit)
        {
            parts.Add("time-limit:" + Durations.Format(limit));
        }

        if (TokenBudget is { } tokens)
        {
            parts.Add("token-budget:" + tokens.ToString(CultureInfo.InvariantCulture));
        }

        if (CostBudget is { } cost)
        {
            parts.Add("cost-budget:" + cost.ToString(CultureInfo.InvariantCulture));
        }

        return string.Join(" | ", parts);
    }

    /// <summary>
    /// Reads back a policy in the form <see cref="ToPolicy"/> writes (the conditions in any order, joined by <c>|</c> or
    /// <c>,</c>); false for anything else, such as conditions joined by <c>&amp;</c> or guards with arguments.
    /// </summary>
    public static bool TryFromPolicy(string policy, out StopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(policy);
        settings = new StopSettings();
        var guards = new List<string>();
        var sawEnd = false;
        var sawMax = false;
        foreach (var item in policy.Split(['|', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(':', 2, StringSplitOptions.TrimEntries);
            var argument = parts.Length > 1 ? parts[1] : null;
            switch (parts[0].ToLowerInvariant())
            {
                case "end-token" when argument is null or "any" or "mutual" or "off":
                    settings = settings with { EndPolicy = argument ?? "any" };
                    sawEnd = true;
                    break;
                case "max-messages" when int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 1:
                    settings = settings with { MaxMessages = max };
                    sawMax = true;
                    break;
                case "goodbye-loop" or "repetition" when argument is null:
                    guards.Add(parts[0].ToLowerInvariant());
                    break;
                case "time-limit" when Durations.TryParse(argument, out var limit):
                    settings = settings with { TimeLimit = limit };
                    break;
                case "token-budget" when long.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) && tokens >= 1:
                    settings = settings with { TokenBudget = tokens };
                    break;
                case "cost-budget" when decimal.TryParse(argument, NumberStyles.Number, CultureInfo.InvariantCulture, out var cost) && cost > 0:
                    settings = settings with { CostBudget = cost };
                    break;
                default:
                    return false;
            }
        }

        settings = settings with { Guards = guards };
        return sawEnd && sawMax;
    }
}
