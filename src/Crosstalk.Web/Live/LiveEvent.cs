namespace Crosstalk.Web.Live;

/// <summary>One server-sent event of a live conversation.</summary>
/// <param name="Sequence">Its position in the conversation's event stream, sent as the SSE id.</param>
/// <param name="Index">The message it concerns (0 for the final "stopped" event, which every reader receives).</param>
/// <param name="Type">The SSE event name: started, delta, completed or stopped.</param>
/// <param name="Json">The event data.</param>
internal sealed record LiveEvent(long Sequence, int Index, string Type, string Json);
