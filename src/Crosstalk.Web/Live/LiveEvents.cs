using System.Text.Json;
using Crosstalk.Engine.Live;
using Crosstalk.Web.Html;
using Crosstalk.Web.Pages;

namespace Crosstalk.Web.Live;

/// <summary>A live update as the page's script reads it: an SSE event name and its JSON (a stored message comes as its HTML).</summary>
internal static class LiveEvents
{
    public static (string Type, string Json) Serialize(long conversationId, LiveUpdate update) => update switch
    {
        LiveMessageStarted started => ("started", JsonSerializer.Serialize(
            new StartedData(started.Index, started.Seat, started.Speaker, Formats.SeatClass(started.Seat)), LiveJsonContext.Default.StartedData)),
        LiveTextAppended text => ("delta", JsonSerializer.Serialize(new DeltaData(text.Index, text.Text), LiveJsonContext.Default.DeltaData)),
        LiveMessageRestarted restarted => ("restarted", JsonSerializer.Serialize(new RestartedData(restarted.Index), LiveJsonContext.Default.RestartedData)),
        LiveMessageStored stored => ("completed", JsonSerializer.Serialize(new CompletedData(stored.Index, Html(conversationId, stored)), LiveJsonContext.Default.CompletedData)),
        LiveStopped stopped => ("stopped", JsonSerializer.Serialize(new StoppedData(stopped.Stop.Reason, stopped.Stop.Detail, Formats.StopMeaning(stopped.Stop.Reason), conversationId), LiveJsonContext.Default.StoppedData)),
        _ => throw new ArgumentOutOfRangeException(nameof(update), update.GetType().Name, "An update the live page does not know."),
    };

    private static string Html(long conversationId, LiveMessageStored stored)
    {
        var html = new HtmlBuilder();
        ConversationPage.WriteMessage(html, conversationId, stored.Index, stored.Message, default);
        return html.ToString();
    }
}
