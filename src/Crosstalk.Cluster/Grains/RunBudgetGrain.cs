using Crosstalk.Engine;
using Crosstalk.Engine.Budgets;

namespace Crosstalk.Cluster.Grains;

/// <inheritdoc cref="IRunBudgetGrain" />
/// <remarks>
/// The ledger starts from what the store says the run has spent, so a budget grain that comes back on another silo (or
/// a resumed run) counts every reply stored before. Reservations are kept by holder, so that those of a silo that died
/// are given back instead of holding room until the run ends.
/// </remarks>
internal sealed class RunBudgetGrain(CrosstalkEngine engine) : Grain, IRunBudgetGrain
{
    private readonly Dictionary<long, (BudgetReservation Reservation, string Holder)> _open = [];
    private RunBudgetLedger? _ledger;
    private long _next;

    public async Task<BudgetTicket?> TryReserveAsync(decimal ceiling, string holder)
    {
        var ledger = await LedgerAsync(ceiling);
        if (ledger.TryReserve() is not { } reservation)
        {
            return null;
        }

        var id = ++_next;
        _open[id] = (reservation, holder);
        return new BudgetTicket(id, reservation.Amount);
    }

    public Task SettleAsync(BudgetTicket ticket, decimal cost)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (_ledger is null)
        {
            return Task.CompletedTask;
        }

        if (_open.Remove(ticket.Id, out var open))
        {
            _ledger.Settle(open.Reservation, cost);
        }
        else
        {
            // Its holder was taken for dead (its reservation given back), yet its reply finished: the cost still counts.
            _ledger.Spend(cost);
        }

        return Task.CompletedTask;
    }

    public Task ForgetHoldersAsync(string[] holders)
    {
        ArgumentNullException.ThrowIfNull(holders);
        foreach (var (id, open) in _open.Where(o => holders.Contains(o.Value.Holder, StringComparer.Ordinal)).ToList())
        {
            _open.Remove(id);
            _ledger?.Settle(open.Reservation, 0m);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> IsExhaustedAsync(decimal ceiling)
    {
        var ledger = await LedgerAsync(ceiling);
        return ledger.Exhausted || ledger.Spent >= ledger.Ceiling;
    }

    private async Task<RunBudgetLedger> LedgerAsync(decimal ceiling)
    {
        // A new ceiling (a resume that raised it) starts a new ledger from what is stored; nothing is in flight then.
        if (_ledger is null || (_ledger.Ceiling != ceiling && _open.Count == 0))
        {
            var spent = (await engine.Store.GetRunSummaryAsync(this.GetPrimaryKeyString()))?.TotalCost ?? 0m;
            _ledger = new RunBudgetLedger(ceiling, spent);
        }

        return _ledger;
    }
}
