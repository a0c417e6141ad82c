namespace Crosstalk.Web.Live;

/// <summary>A conversation to start from the live page.</summary>
/// <param name="Seats">One entry per seat, in seat order.</param>
/// <param name="Opener">The first message, spoken by seat 1; empty means the original's blank opener.</param>
/// <param name="StopPolicy">A policy as <see cref="Stopping.StopConditions.Parse"/> reads it.</param>
/// <param name="ForkOf">The conversation to fork, if any.</param>
/// <param name="ForkAt">How many of its messages the fork keeps.</param>
internal sealed record LiveRequest(IReadOnlyList<LiveSeat> Seats, string? Opener, string StopPolicy, long? ForkOf = null, int? ForkAt = null);

/// <summary>One seat of a <see cref="LiveRequest"/>.</summary>
internal sealed record LiveSeat(string Model, string? Name, string? SystemPrompt);
