using Crosstalk.Transcripts;

namespace Crosstalk.Storage;

/// <summary>How a conversation stands, read in one query: what a live viewer polls.</summary>
/// <param name="MessageCount">Messages stored.</param>
/// <param name="Stop">Why it stopped; <see langword="null"/> while unfinished.</param>
/// <param name="Ended">When it ended.</param>
/// <param name="Lease">Who runs it, if anyone holds (or held) its lease.</param>
/// <param name="InFlight">The message being written, if its runner reported one.</param>
public sealed record LiveStatus(int MessageCount, StopInfo? Stop, DateTimeOffset? Ended, LeaseState Lease, LiveText? InFlight);
