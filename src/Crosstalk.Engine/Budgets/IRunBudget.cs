namespace Crosstalk.Engine.Budgets;

/// <summary>
/// A run's cost ceiling, shared by every conversation of the run (in one process, or across a cluster): each reply
/// reserves what a reply has cost so far before it is asked for, and settles with what it really cost once it is done.
/// Once no reply fits under the ceiling, none is asked for: the run stops within one reply's cost of it.
/// </summary>
public interface IRunBudget
{
    /// <summary>The ceiling in US dollars.</summary>
    decimal Ceiling { get; }

    /// <summary>Whether a reply was refused for lack of budget.</summary>
    bool Exhausted { get; }

    /// <summary>Reserves room for one reply; null when it does not fit under the ceiling.</summary>
    ValueTask<BudgetReservation?> TryReserveAsync(CancellationToken cancellationToken = default);

    /// <summary>Gives back a reservation with what the reply cost (0 when it failed before costing anything).</summary>
    ValueTask SettleAsync(BudgetReservation reservation, decimal cost, CancellationToken cancellationToken = default);
}

/// <summary>Room reserved for one reply.</summary>
/// <param name="Amount">How much was reserved.</param>
/// <param name="Id">Which reservation it is, where the budget is kept elsewhere (a cluster's budget grain); 0 in one process.</param>
public sealed record BudgetReservation(decimal Amount, long Id = 0);
