using System.Globalization;
using Crosstalk.Experiments;
using Crosstalk.Stopping;

namespace Crosstalk.Cli.Commands;

/// <summary>Turns the stop settings a user wrote (flags or an experiment's <c>stop:</c>) into the runner's stop conditions.</summary>
internal static class StopPolicyFactory
{
    public static IStopCondition Create(RunSettings settings) => Create(settings.ToStopSettings());

    public static string Describe(RunSettings settings) => Describe(settings.ToStopSettings());

    /// <summary>Any of: the end token (by its policy), the message cap, and the optional limits and guards.</summary>
    public static IStopCondition Create(StopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MaxMessages < 1)
        {
            throw new UserException($"max messages must be at least 1 (was {settings.MaxMessages}).");
        }

        var conditions = new List<IStopCondition>
        {
            new EndTokenCondition(ParsePolicy(settings.EndPolicy)),
            new MaxMessagesCondition(settings.MaxMessages),
        };
        if (settings.TimeLimit is { } limit)
        {
            conditions.Add(new TimeLimitCondition(limit));
        }

        if (settings.TokenBudget is { } tokens)
        {
            conditions.Add(new TokenBudgetCondition(tokens));
        }

        if (settings.CostBudget is { } cost)
        {
            conditions.Add(new CostBudgetCondition(cost));
        }

        foreach (var guard in settings.Guards)
        {
            conditions.Add(guard switch
            {
                "goodbye-loop" => new GoodbyeLoopCondition(),
                "repetition" => new RepetitionCondition(),
                _ => throw new UserException($"unknown guard '{guard}'; known: {string.Join(", ", StopSettings.KnownGuards)}."),
            });
        }

        return StopConditions.Any(conditions);
    }

    /// <summary>One short line: "end token [END] (any seat) or 97 messages, goodbye-loop".</summary>
    public static string Describe(StopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parts = new List<string>();
        parts.Add(settings.EndPolicy switch
        {
            "off" => string.Create(CultureInfo.InvariantCulture, $"{settings.MaxMessages} messages ({settings.EndToken} only recorded)"),
            "mutual" => string.Create(CultureInfo.InvariantCulture, $"{settings.EndToken} from every seat or {settings.MaxMessages} messages"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{settings.EndToken} or {settings.MaxMessages} messages"),
        });
        if (settings.TimeLimit is { } limit)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"time limit {limit}"));
        }

        if (settings.TokenBudget is { } tokens)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{tokens:N0} tokens"));
        }

        if (settings.CostBudget is { } cost)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"${cost}"));
        }

        parts.AddRange(settings.Guards);
        return string.Join(", ", parts);
    }

    private static EndTokenPolicy ParsePolicy(string policy) => policy switch
    {
        "any" => EndTokenPolicy.Any,
        "mutual" => EndTokenPolicy.Mutual,
        "off" => EndTokenPolicy.Off,
        _ => throw new UserException($"end policy must be any, mutual or off (was '{policy}')."),
    };
}
