using Spectre.Console;

namespace Crosstalk.Cli.Rendering;

/// <summary>One colour per seat, the same everywhere in the terminal.</summary>
internal static class SeatPalette
{
    private static readonly Color[] Colors = [Color.DeepSkyBlue1, Color.Orange1, Color.MediumPurple1, Color.SpringGreen2, Color.HotPink, Color.Yellow];

    public static Color For(int seat) => Colors[(Math.Max(seat, 1) - 1) % Colors.Length];

    public static Style StyleFor(int seat) => new(For(seat), decoration: Decoration.Bold);
}
