namespace Crosstalk.Analysis;

/// <summary>
/// A stretch of a conversation made of farewells, acknowledgements and bare end tokens that goes on after the
/// goodbye was said: it starts at the mutual end signal when one falls inside the farewells (seed 001: message
/// 24), otherwise where the farewells start, and runs to the last farewell (<see cref="GoodbyeLoopDetector"/>). Where a
/// conversation has no such loop, its closing fade (<see cref="ClosingDetector"/>: sign-offs, thanks, shutdown screens
/// and stillness after the models stopped adding anything new) is its goodbye loop, its closing messages the farewells.
/// </summary>
/// <param name="Start">The loop's first message (1-based).</param>
/// <param name="Length">How many messages it spans, the few non-farewells it tolerates included.</param>
/// <param name="Farewells">How many of them are farewells.</param>
/// <param name="FarewellsStart">Where the farewells began, which may be before <paramref name="Start"/> (seed 001: message 15).</param>
/// <param name="Fade">Whether it is a closing fade (<see cref="ClosingDetector"/>) rather than a round of goodbyes; its farewells are then its closing messages.</param>
public sealed record GoodbyeLoop(int Start, int Length, int Farewells, int FarewellsStart, bool Fade = false)
{
    /// <summary>The stretch's last message (1-based).</summary>
    public int End => Start + Length - 1;
}
