using System.Globalization;
using Crosstalk.Transcripts;
using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>Start a conversation and watch it stream; see what is running.</summary>
internal static class LivePage
{
    public const string DefaultStopPolicy = "end-token, max-messages:40";

    /// <summary>The start form (optionally a fork of a stored conversation) and the running-now panel.</summary>
    public static async Task<string> RenderFormAsync(WebContext web, HttpContext context, string? error = null, IFormCollection? posted = null)
    {
        var query = context.Request.Query;
        long? forkOf = long.TryParse(posted?["fork"].ToString() ?? query["fork"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : null;
        int? forkAt = int.TryParse(posted?["at"].ToString() ?? query["at"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : null;
        Transcript? parent = forkOf is { } id ? await web.Store.GetTranscriptAsync(id, context.RequestAborted).ConfigureAwait(false) : null;

        var html = new HtmlBuilder();
        html.Element("h1", parent is null ? "Live" : "Fork a conversation");
        if (error is not null)
        {
            html.Element("p", error, ("class", "error"), ("role", "alert"), ("id", "form-error"));
        }

        html.Raw("<form method=\"post\" action=\"/live\" class=\"start\" id=\"start-form\">")
            .Open("input", ("type", "hidden"), ("name", "_k"), ("value", web.FormKey));
        html.Raw("<datalist id=\"models\">");
        foreach (var model in web.Options.LiveModels)
        {
            html.Open("option", ("value", model)).Close("option");
        }

        html.Raw("</datalist>");
        var suggested = web.Options.LiveModels;
        if (parent is not null && forkAt is { } at && at >= 1 && at <= parent.Messages.Count)
        {
            html.Open("input", ("type", "hidden"), ("name", "fork"), ("value", forkOf!.Value.ToString(CultureInfo.InvariantCulture)))
                .Open("input", ("type", "hidden"), ("name", "at"), ("value", at.ToString(CultureInfo.InvariantCulture)))
                .Open("p").Text("Continues ").Link("/c/" + forkOf.Value.ToString(CultureInfo.InvariantCulture), parent.Title)
                .Text($" after message {at.ToString(CultureInfo.InvariantCulture)} of {parent.Messages.Count.ToString(CultureInfo.InvariantCulture)} (")
                .Text(parent.Messages[at - 1].Speaker).Text(" spoke last). Choose who answers for each seat.").Close("p");
            foreach (var participant in parent.Participants)
            {
                var model = posted?[$"model{participant.Seat}"].ToString()
                    ?? (participant.Model is { } m && suggested.Contains(m) ? m : suggested[(participant.Seat - 1) % suggested.Count]);
                SeatFieldset(html, participant.Seat, participant.Name + (participant.Model is null ? string.Empty : " (was " + participant.Model + ")"), model, null, participant.SystemPrompt, showName: false);
            }
        }
        else
        {
            if (forkOf is not null)
            {
                html.Element("p", "That conversation or message does not exist; start a new conversation instead.", ("class", "error"));
            }

            for (var seat = 1; seat <= 2; seat++)
            {
                SeatFieldset(html, seat, "Seat " + seat.ToString(CultureInfo.InvariantCulture),
                    posted?[$"model{seat}"].ToString() ?? suggested[(seat - 1) % suggested.Count],
                    posted?[$"name{seat}"].ToString(), posted?[$"system{seat}"].ToString(), showName: true);
            }

            html.Raw("<label class=\"wide\">Opener (seat 1's first message; empty sends a blank message, as the original did)")
                .Open("textarea", ("name", "opener"), ("rows", "2")).Text(posted?["opener"].ToString()).Close("textarea").Raw("</label>");
        }

        html.Raw("<label class=\"wide\">Stop policy ")
            .Open("input", ("type", "text"), ("name", "stop"), ("value", posted?["stop"].ToString() ?? DefaultStopPolicy), ("id", "stop-policy"))
            .Element("small", " e.g. end-token:mutual | max-messages:100, goodbye-loop, repetition, time-limit:5m, cost-budget:0.50")
            .Raw("</label><button type=\"submit\" id=\"start\">Start conversation</button></form>");

        html.Open("section", ("id", "live-panel"), ("data-refresh", "/live/panel"));
        await WritePanelAsync(web, html, context.RequestAborted).ConfigureAwait(false);
        html.Close("section");
        return Layout.Page("Live", "live", html);
    }

    public static async Task WritePanelAsync(WebContext web, HtmlBuilder html, CancellationToken cancellationToken)
    {
        // Whatever runs on this store, started here, by a batch in another terminal, or on another machine.
        html.Element("h2", "Running now");
        var running = new List<Storage.ConversationSummary>();
        await foreach (var conversation in web.Store.ListConversationsAsync(
            new Storage.ConversationQuery { RunningAt = web.Time.GetUtcNow(), Descending = true, Limit = 50 }, cancellationToken).ConfigureAwait(false))
        {
            running.Add(conversation);
        }

        if (running.Count == 0)
        {
            html.Element("p", "Nothing is running: conversations you start above, and those any batch on this store is running, appear here.", ("class", "empty"));
        }
        else
        {
            html.Raw("<ul class=\"sessions\" id=\"running\">");
            foreach (var conversation in running)
            {
                var id = conversation.Id.ToString(CultureInfo.InvariantCulture);
                html.Open("li").Link("/live/" + id, conversation.Title)
                    .Text($" · {conversation.MessageCount.ToString(CultureInfo.InvariantCulture)} messages")
                    .Text(conversation.RunId is { } run ? " · run " + run : web.Live.IsRunningHere(conversation.Id) ? " · started here" : string.Empty)
                    .Close("li");
            }

            html.Raw("</ul>");
        }

        var unfinished = (await RunsPage.ReadRunsAsync(web.Store, cancellationToken).ConfigureAwait(false))
            .Where(r => r.Finished < r.Conversations).Take(20).ToList();
        html.Element("h2", "Batches in progress");
        if (unfinished.Count == 0)
        {
            html.Element("p", "No run has unfinished conversations.", ("class", "empty"));
        }
        else
        {
            RunsPage.WriteTable(html, unfinished);
        }
    }

    /// <summary>
    /// The watch page of any conversation: what is stored, then everything new as it happens (through the store, so from
    /// whichever process or machine runs it). A conversation this server runs can be stopped from here.
    /// </summary>
    public static async Task<string> RenderWatchAsync(WebContext web, long conversationId, Transcript transcript, CancellationToken cancellationToken)
    {
        var status = await web.Store.GetLiveStatusAsync(conversationId, cancellationToken).ConfigureAwait(false);
        var runsHere = web.Live.IsRunningHere(conversationId);
        var held = status?.Lease.IsHeldAt(web.Time.GetUtcNow()) == true;
        var stop = transcript.Stop;
        var stopped = stop is not null && !(stop.Reason == StopReasons.Interrupted && held);
        var id = conversationId.ToString(CultureInfo.InvariantCulture);
        var from = (transcript.Messages.Count + 1).ToString(CultureInfo.InvariantCulture);
        var html = new HtmlBuilder();
        html.Open("div", ("id", "live"), ("data-events", $"/live/{id}/events?from={from}"));
        html.Element("h1", transcript.Title);
        ConversationPage.WriteHeader(html, transcript);
        var state = stopped ? "Stopped: " + stop!.Reason + (stop.Detail is null ? string.Empty : " — " + stop.Detail)
            : held ? "Running…"
            : "Waiting: nobody runs this conversation right now (it starts when a batch or resume takes it up).";
        html.Open("p", ("class", "status"), ("id", "status"), ("data-state", stopped ? "stopped" : "running"), ("data-meaning", stopped ? Formats.StopMeaning(stop!.Reason) : "running")).Text(state).Close("p");
        html.Open("form", ("method", "post"), ("action", $"/live/{id}/stop"), ("class", "stop-form"), ("id", "stop-form"), ("hidden", runsHere && !stopped ? null : string.Empty))
            .Open("input", ("type", "hidden"), ("name", "_k"), ("value", web.FormKey))
            .Raw("<button type=\"submit\" id=\"stop\" class=\"danger\">Stop</button></form>");
        html.Open("p", ("class", "actions")).Link("/c/" + id, "Open the recorded conversation").Close("p");
        html.Raw("<ol class=\"chat\" id=\"messages\">");
        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            ConversationPage.WriteMessage(html, conversationId, i + 1, transcript.Messages[i], default);
        }

        html.Raw("</ol></div>");
        return Layout.Page(transcript.Title + " (live)", "live", html);
    }

    private static void SeatFieldset(HtmlBuilder html, int seat, string legend, string model, string? name, string? systemPrompt, bool showName)
    {
        var n = seat.ToString(CultureInfo.InvariantCulture);
        html.Open("fieldset", ("class", "seat " + Formats.SeatClass(seat))).Element("legend", legend)
            .Raw("<label>Model ").Open("input", ("type", "text"), ("name", "model" + n), ("id", "model" + n), ("list", "models"), ("value", model), ("required", string.Empty)).Raw("</label>");
        if (showName)
        {
            html.Raw("<label>Name ").Open("input", ("type", "text"), ("name", "name" + n), ("value", name ?? string.Empty), ("placeholder", "from the model")).Raw("</label>");
        }

        html.Raw("<label>System prompt").Open("textarea", ("name", "system" + n), ("rows", "3")).Text(systemPrompt).Close("textarea").Raw("</label>")
            .Close("fieldset");
    }
}
