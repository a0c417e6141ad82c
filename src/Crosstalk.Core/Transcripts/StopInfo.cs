namespace Crosstalk.Transcripts;

/// <summary>Why a conversation stopped, and who or what triggered it.</summary>
/// <param name="Reason">A stable kebab-case reason, one of <see cref="StopReasons"/>.</param>
/// <param name="Seat">The seat whose message triggered the stop, when one did.</param>
/// <param name="Message">The 1-based index of the message that triggered the stop, when one did.</param>
/// <param name="Detail">One human-readable sentence with more detail, if useful.</param>
public sealed record StopInfo(string Reason, int? Seat = null, int? Message = null, string? Detail = null);
