namespace Crosstalk.Storage;

/// <summary>An unfinished conversation and who holds it, as a resume or a cluster sees it before taking work.</summary>
/// <param name="Id">The conversation.</param>
/// <param name="Owner">The owner of its lease, if any (possibly expired).</param>
/// <param name="Expires">When that lease expires.</param>
public sealed record LeaseState(long Id, string? Owner, DateTimeOffset? Expires)
{
    /// <summary>Whether someone holds the conversation at <paramref name="now"/>.</summary>
    public bool IsHeldAt(DateTimeOffset now) => Owner is not null && Expires is { } expires && expires > now;
}
