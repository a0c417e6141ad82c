namespace Crosstalk.Transcripts;

/// <summary>How seats take turns: in order, the last followed by the first (the runner, and the readers that give a name shared by several seats its seat).</summary>
public static class TurnOrder
{
    /// <summary>The seat that speaks after <paramref name="seat"/> (1 after none: seat 0) of <paramref name="seats"/>.</summary>
    public static int SeatAfter(int seat, int seats) => (seat % seats) + 1;
}
