namespace Crosstalk.Transcripts;

/// <summary>Why a conversation stopped, and who or what triggered it.</summary>
/// <param name="Reason">A stable kebab-case reason, one of <see cref="StopReasons"/>.</param>
/// <param name="Seat">The seat whose message triggered the stop, when one did.</param>
/// <param name="Message">The 1-based index of the message that triggered the stop, when one did.</param>
/// <param name="Detail">One human-readable sentence with more detail, if useful.</param>
public sealed record StopInfo(string Reason, int? Seat = null, int? Message = null, string? Detail = null)
{
    /// <summary>
    /// For a message that could not be had (<see cref="StopReasons.Error"/>), every attempt made for it, the last
    /// included; empty otherwise.
    /// </summary>
    public IReadOnlyList<Attempt> Attempts { get; init; } = [];

    /// <inheritdoc />
    public bool Equals(StopInfo? other) =>
        other is not null && Reason == other.Reason && Seat == other.Seat && Message == other.Message && Detail == other.Detail
        && Attempts.SequenceEqual(other.Attempts);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Reason, Seat, Message, Detail, Attempts.Count);
}
