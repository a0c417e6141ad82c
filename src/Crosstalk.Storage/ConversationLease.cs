namespace Crosstalk.Storage;

/// <summary>
/// Who may run a conversation: one owner (a process, a silo) at a time, until the lease expires. The owner renews it while
/// the conversation runs; a lease that expired, or whose owner is known to be dead, may be taken over.
/// </summary>
/// <param name="Owner">The owner's id, unique per process (see <see cref="LeaseOwners"/>).</param>
/// <param name="Now">The owner's clock: leases that expired before it are free.</param>
/// <param name="Duration">How long the lease holds without a renewal.</param>
/// <param name="DeadOwners">Owners known to be gone (a process on this machine that no longer runs): their leases are free now.</param>
public sealed record ConversationLease(string Owner, DateTimeOffset Now, TimeSpan Duration, IReadOnlyCollection<string>? DeadOwners = null);
