using System.Globalization;
using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>Stops once the messages' input plus output tokens reach <see cref="Budget"/>.</summary>
public sealed class TokenBudgetCondition : StopCondition
{
    /// <param name="budget">The token budget; positive.</param>
    public TokenBudgetCondition(long budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        Budget = budget;
    }

    /// <summary>The token budget.</summary>
    public long Budget { get; }

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.TotalTokens >= Budget && state.LastMessage is { } last
            ? new StopInfo(
                StopReasons.TokenBudget,
                last.Seat,
                state.Messages.Count,
                string.Create(CultureInfo.InvariantCulture, $"The conversation used {state.TotalTokens} tokens, reaching the budget of {Budget}."))
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"token-budget:{Budget}");
}
