namespace Crosstalk.Engine.Budgets;

/// <summary>A run's cost ceiling kept in this process (a batch or a resume): the ledger behind a lock.</summary>
public sealed class LocalRunBudget(decimal ceiling, decimal spent) : IRunBudget
{
    private readonly Lock _gate = new();
    private readonly RunBudgetLedger _ledger = new(ceiling, spent);

    public decimal Ceiling => _ledger.Ceiling;

    public bool Exhausted
    {
        get
        {
            lock (_gate)
            {
                return _ledger.Exhausted;
            }
        }
    }

    public ValueTask<BudgetReservation?> TryReserveAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_ledger.TryReserve());
        }
    }

    public ValueTask SettleAsync(BudgetReservation reservation, decimal cost, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _ledger.Settle(reservation, cost);
        }

        return ValueTask.CompletedTask;
    }
}
