namespace Crosstalk.Storage;

/// <summary>A conversation running right now somewhere: unfinished, with a lease that has not expired.</summary>
/// <param name="Id">The conversation.</param>
/// <param name="RunId">Its run, if any.</param>
/// <param name="Owner">Who runs it (a lease owner id, see <see cref="LeaseOwners"/>).</param>
/// <param name="Expires">When the lease expires unless renewed.</param>
/// <param name="MessageCount">How many messages it has stored.</param>
public sealed record RunningLease(long Id, string? RunId, string Owner, DateTimeOffset Expires, int MessageCount);
