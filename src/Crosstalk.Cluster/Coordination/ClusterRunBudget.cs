using Crosstalk.Cluster.Grains;
using Crosstalk.Engine.Budgets;

namespace Crosstalk.Cluster.Coordination;

/// <summary>A run's cost ceiling as the engine sees it on a silo: every reservation is made with the run's budget grain.</summary>
internal sealed class ClusterRunBudget(IRunBudgetGrain grain, decimal ceiling, string holder) : IRunBudget
{
    private volatile bool _exhausted;

    public decimal Ceiling => ceiling;

    public bool Exhausted => _exhausted;

    public async ValueTask<BudgetReservation?> TryReserveAsync(CancellationToken cancellationToken = default)
    {
        if (await grain.TryReserveAsync(ceiling, holder).WaitAsync(cancellationToken) is not { } ticket)
        {
            _exhausted = true;
            return null;
        }

        return new BudgetReservation(ticket.Amount, ticket.Id);
    }

    public async ValueTask SettleAsync(BudgetReservation reservation, decimal cost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        await grain.SettleAsync(new BudgetTicket(reservation.Id, reservation.Amount), cost).WaitAsync(cancellationToken);
    }
}
