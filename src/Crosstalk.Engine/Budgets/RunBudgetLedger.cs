namespace Crosstalk.Engine.Budgets;

/// <summary>
/// The arithmetic of a cost ceiling, wherever it is kept (a process, a grain): spent and reserved amounts, and the
/// estimate of one reply — the most a reply has cost so far. Until a reply's cost is known, one reply at a time may be
/// asked for, so that a run cannot overshoot by a whole wave of replies whose price nobody knew. Not thread-safe: its
/// owner serializes calls.
/// </summary>
public sealed class RunBudgetLedger(decimal ceiling, decimal spent)
{
    private int _unknownInFlight;

    public decimal Ceiling { get; } = ceiling;

    public decimal Spent { get; private set; } = spent;

    public decimal Reserved { get; private set; }

    /// <summary>The most one reply has cost; null until one has cost something.</summary>
    public decimal? LargestReply { get; private set; }

    public bool Exhausted { get; private set; }

    public BudgetReservation? TryReserve()
    {
        if (LargestReply is not { } estimate)
        {
            if (_unknownInFlight > 0 || Spent >= Ceiling)
            {
                Exhausted |= Spent >= Ceiling;
                return null;
            }

            _unknownInFlight++;
            return new BudgetReservation(0m);
        }

        if (Spent + Reserved + estimate > Ceiling)
        {
            Exhausted = true;
            return null;
        }

        Reserved += estimate;
        return new BudgetReservation(estimate);
    }

    public void Settle(BudgetReservation reservation, decimal cost)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (reservation.Amount == 0m && LargestReply is null)
        {
            _unknownInFlight = Math.Max(0, _unknownInFlight - 1);
        }
        else
        {
            Reserved = Math.Max(0m, Reserved - reservation.Amount);
        }

        Spent += cost;
        if (cost > 0m && (LargestReply is not { } largest || cost > largest))
        {
            LargestReply = cost;
        }
    }

    /// <summary>Counts a cost whose reservation was given up already (its holder was taken for dead, but its reply went on).</summary>
    public void Spend(decimal cost)
    {
        Spent += cost;
        if (cost > 0m && (LargestReply is not { } largest || cost > largest))
        {
            LargestReply = cost;
        }
    }
}
