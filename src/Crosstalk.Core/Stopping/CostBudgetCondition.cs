using System.Globalization;
using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>Stops once the messages' known cost reaches <see cref="BudgetUsd"/>.</summary>
public sealed class CostBudgetCondition : StopCondition
{
    /// <param name="budgetUsd">The budget in US dollars; positive.</param>
    public CostBudgetCondition(decimal budgetUsd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budgetUsd, 0m);
        BudgetUsd = budgetUsd;
    }

    /// <summary>The budget in US dollars.</summary>
    public decimal BudgetUsd { get; }

    /// <inheritdoc />
    public override StopInfo? Check(ConversationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.TotalCost >= BudgetUsd && state.LastMessage is { } last
            ? new StopInfo(
                StopReasons.CostBudget,
                last.Seat,
                state.Messages.Count,
                string.Create(CultureInfo.InvariantCulture, $"The conversation cost ${state.TotalCost:0.####}, reaching the budget of ${BudgetUsd:0.####}."))
            : null;
    }

    /// <inheritdoc />
    public override bool CountsCost => true;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cost-budget:{BudgetUsd}");
}
