using Crosstalk.Experiments;
using Crosstalk.Stopping;

namespace Crosstalk.Cli.Commands;

/// <summary>Turns the stop policy a user wrote (flags or an experiment's <c>stop:</c>) into stop conditions.</summary>
internal static class StopPolicyFactory
{
    public static StopCondition Create(StopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var policy = settings.EndPolicy switch
        {
            "any" => EndTokenPolicy.Any,
            "mutual" => EndTokenPolicy.Mutual,
            "off" => EndTokenPolicy.Off,
            _ => throw new UsageException($"--end-policy must be any, mutual or off (was '{settings.EndPolicy}')."),
        };
        var conditions = new List<IStopCondition> { StopConditions.Default(settings.MaxMessages, policy) };
        foreach (var guard in settings.Guards)
        {
            conditions.Add(guard switch
            {
                "goodbye-loop" => new GoodbyeLoopCondition(),
                "repetition" => new RepetitionCondition(),
                _ => throw new UsageException($"--stop-on: unknown guard '{guard}'; known: {string.Join(", ", StopSettings.KnownGuards)}."),
            });
        }

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

        return StopConditions.Any(conditions);
    }

    public static string Describe(StopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var parts = new List<string>
        {
            settings.EndPolicy == "off" ? $"{settings.EndToken} recorded only" : $"{settings.EndToken} ({settings.EndPolicy})",
            $"{settings.MaxMessages} messages",
        };
        parts.AddRange(settings.Guards);
        if (settings.TimeLimit is { } limit)
        {
            parts.Add($"{limit} limit");
        }

        if (settings.TokenBudget is { } tokens)
        {
            parts.Add($"{tokens:N0} tokens");
        }

        if (settings.CostBudget is { } cost)
        {
            parts.Add($"${cost}");
        }

        return string.Join(", ", parts);
    }
}
