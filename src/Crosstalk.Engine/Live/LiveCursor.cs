using System.Globalization;

namespace Crosstalk.Engine.Live;

/// <summary>
/// How far a viewer has followed a conversation: the messages it has, and how much of the message in flight. Written as
/// <c>messages.index.length</c>, it is the SSE event id, so a browser that reconnects (<c>Last-Event-ID</c>) goes on
/// exactly where it was.
/// </summary>
/// <param name="Messages">Stored messages the viewer has.</param>
/// <param name="InFlightIndex">The message in flight the viewer has started showing (0 for none).</param>
/// <param name="InFlightLength">How many characters of it the viewer has.</param>
public sealed record LiveCursor(int Messages, int InFlightIndex = 0, int InFlightLength = 0)
{
    /// <summary>The cursor as an SSE id.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Messages}.{InFlightIndex}.{InFlightLength}");

    /// <summary>Reads a cursor written by <see cref="ToString"/>; false for anything else.</summary>
    public static bool TryParse(string? text, out LiveCursor cursor)
    {
        cursor = new LiveCursor(0);
        var parts = (text ?? string.Empty).Split('.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var messages)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        cursor = new LiveCursor(messages, index, length);
        return true;
    }
}
