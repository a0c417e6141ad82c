namespace Crosstalk.Cluster.Grains;

/// <summary>A run's cost ceiling for every silo together, keyed by run id: every reply reserves from it before it is asked for.</summary>
public interface IRunBudgetGrain : IGrainWithStringKey
{
    /// <summary>Reserves room for one reply held by <paramref name="holder"/> (a silo); null when it does not fit under <paramref name="ceiling"/>.</summary>
    Task<BudgetTicket?> TryReserveAsync(decimal ceiling, string holder);

    /// <summary>Gives a reservation back with what the reply cost.</summary>
    Task SettleAsync(BudgetTicket ticket, decimal cost);

    /// <summary>Gives back the reservations of silos declared dead: their replies will never settle.</summary>
    Task ForgetHoldersAsync(string[] holders);

    /// <summary>Whether a reply was refused for lack of budget, or the run has spent its ceiling.</summary>
    Task<bool> IsExhaustedAsync(decimal ceiling);
}

/// <summary>A reservation of the budget grain.</summary>
[GenerateSerializer]
[Immutable]
public sealed record BudgetTicket([property: Id(0)] long Id, [property: Id(1)] decimal Amount);
