using System.Text.Json;
using Crosstalk.Engine.Live;
using Crosstalk.Web.Html;
using Crosstalk.Web.Pages;

namespace Crosstalk.Web.Live;

/// <summary>
/// A live update as the page's script reads it: an SSE event name and its JSON (a stored message comes as its HTML, and text
/// the script inserts has its bidirectional overrides shown as U+FFFD).
/// </summary>
internal static class LiveEvents
{
    public static (string Type, string Json) Serialize(long conversationId, LiveUpdate update) => update switch
    {
        LiveMessageStarted started => ("started", JsonSerializer.Serialize(
            new StartedData(started.Index, started.Seat, Shown(started.Speaker), Formats.SeatClass(started.Seat)), LiveJsonContext.Default.StartedData)),
        LiveTextAppended text => ("delta", JsonSerializer.Serialize(new DeltaData(text.Index, Shown(text.Text)), LiveJsonContext.Default.DeltaData)),
        LiveMessageRestarted restarted => ("restarted", JsonSerializer.Serialize(new RestartedData(restarted.Index), LiveJsonContext.Default.RestartedData)),
        LiveMessageStored stored => ("completed", JsonSerializer.Serialize(new CompletedData(stored.Index, Html(conversationId, stored)), LiveJsonContext.Default.CompletedData)),
        LiveStopped stopped => ("stopped", JsonSerializer.Serialize(new StoppedData(stopped.Stop.Reason, stopped.Stop.Detail is { } detail ? Shown(detail) : null, Formats.StopMeaning(stopped.Stop.Reason), conversationId), LiveJsonContext.Default.StoppedData)),
        _ => throw new ArgumentOutOfRangeException(nameof(update), update.GetType().Name, "An update the live page does not know."),
    };

    // The script inserts these as text; a bidirectional override in them is shown as U+FFFD, as on every page.
    private static string Shown(string text) => Transcripts.ErrorText.InDisplayOrder(text);

    private static string Html(long conversationId, LiveMessageStored stored)
    {
        var html = new HtmlBuilder();
        ConversationPage.WriteMessage(html, conversationId, stored.Index, stored.Message, default);
        return html.ToString();
    }
}
