using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Crosstalk.Engine;
using Crosstalk.Engine.Live;
using Crosstalk.Engine.Models;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Crosstalk.Web.Html;
using Crosstalk.Web.Live;
using Crosstalk.Web.Pages;
using Crosstalk.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Crosstalk.Web;

/// <summary>The server's endpoints and the headers every response carries.</summary>
internal static class Routes
{
    // Model output is untrusted: only our own script and style may run or apply, nothing may be framed or fetched elsewhere.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static void Map(WebApplication app, WebContext web, string? accessToken)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (accessToken is null && !IsLocalHostHeader(context.Request.Host))
            {
                // Without a token the loopback binding is the only protection; a foreign Host header means DNS rebinding.
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                await context.Response.WriteAsync("This server answers only to localhost.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (HttpMethods.IsHead(context.Request.Method))
            {
                // HEAD is answered as GET would be, headers only: Kestrel sends no body for a HEAD request whatever is
                // written, so the GET endpoints serve it.
                context.Request.Method = HttpMethods.Get;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (UnreadableFormException ex) when (!context.Response.HasStarted)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "The form cannot be read", ex.Message).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
            {
                await FailedAsync(web, context, ex).ConfigureAwait(false);
            }
        });
        if (accessToken is not null)
        {
            app.UseMiddleware<AccessTokenMiddleware>(accessToken);
        }

        // Endpoints are matched here, after the checks above (and after HEAD became GET), not before them.
        app.UseRouting();

        app.MapGet("/", async context => await HtmlAsync(context, await ConversationsPage.RenderAsync(web, context).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapGet("/search", async context => await HtmlAsync(context, await SearchPage.RenderAsync(web, context).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapGet("/runs", async context => await HtmlAsync(context, await RunsPage.RenderAsync(web, context).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapGet("/corpus", async context => await HtmlAsync(context, await CorpusPage.RenderAsync(web, context).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapGet("/c/{id:long:min(1)}", ConversationAsync);
        app.MapGet("/c/{id:long:min(1)}/download.md", context => DownloadAsync(context, markdown: true));
        app.MapGet("/c/{id:long:min(1)}/download.json", context => DownloadAsync(context, markdown: false));
        app.MapGet("/live", async context => await HtmlAsync(context, await LivePage.RenderFormAsync(web, context).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapPost("/live", StartLiveAsync);
        app.MapGet("/live/panel", async context =>
        {
            var html = new HtmlBuilder();
            await LivePage.WritePanelAsync(web, html, context.RequestAborted).ConfigureAwait(false);
            await HtmlAsync(context, html.ToString()).ConfigureAwait(false);
        });
        app.MapGet("/cluster", async context => await HtmlAsync(context, await ClusterPage.RenderAsync(web, context).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapGet("/cluster/panel", async context =>
        {
            var html = new HtmlBuilder();
            await ClusterPage.WritePanelAsync(web, html, context.RequestAborted).ConfigureAwait(false);
            await HtmlAsync(context, html.ToString()).ConfigureAwait(false);
        });
        app.MapGet("/live/{id:long:min(1)}", WatchAsync);
        app.MapGet("/live/{id:long:min(1)}/events", EventsAsync);
        app.MapPost("/live/{id:long:min(1)}/stop", StopAsync);
        app.MapGet("/assets/{name}", AssetAsync);
        // Every path, file-like ones too (/favicon.ico, /c/1.5): MapFallback alone leaves those an empty 404.
        app.MapFallback("{*path}", context => ErrorAsync(context, StatusCodes.Status404NotFound, "Not found", "There is no page here."));

        async Task ConversationAsync(HttpContext context)
        {
            var id = RouteId(context);
            var transcript = await web.Store.GetTranscriptAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (transcript is null)
            {
                await ErrorAsync(context, StatusCodes.Status404NotFound, "No such conversation", $"There is no conversation {id.ToString(CultureInfo.InvariantCulture)} in {web.Store.Description}.").ConfigureAwait(false);
                return;
            }

            var html = new HtmlBuilder().Raw(ConversationPage.Render(id, transcript, live: false, context.RequestAborted));
            await HtmlAsync(context, Layout.Page(transcript.Title, "conversations", html)).ConfigureAwait(false);
        }

        async Task DownloadAsync(HttpContext context, bool markdown)
        {
            var id = RouteId(context);
            var transcript = await web.Store.GetTranscriptAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (transcript is null)
            {
                await ErrorAsync(context, StatusCodes.Status404NotFound, "No such conversation", "There is no conversation to download.").ConfigureAwait(false);
                return;
            }

            string text;
            try
            {
                text = markdown ? SeedMarkdown.Write(transcript) : TranscriptJson.Write(transcript);
            }
            catch (TranscriptFormatException ex)
            {
                // A name imported from another tool that seed Markdown cannot hold; the JSON download keeps it.
                await ErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "Not as Markdown", $"This conversation {ex.Problem}.").ConfigureAwait(false);
                return;
            }

            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(FileName(transcript, id) + (markdown ? ".md" : ".json"));
            context.Response.Headers.ContentDisposition = disposition.ToString();
            context.Response.ContentType = markdown ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(new UTF8Encoding(false).GetBytes(text), context.RequestAborted).ConfigureAwait(false);
        }

        async Task StartLiveAsync(HttpContext context)
        {
            var form = await FormAsync(context).ConfigureAwait(false);
            if (form is null || !FormKeyMatches(form))
            {
                await ErrorAsync(context, StatusCodes.Status403Forbidden, "Form expired", "This form came from elsewhere or from an earlier server; reload the Live page and try again.").ConfigureAwait(false);
                return;
            }

            var seats = new List<LiveSeat>();
            for (var seat = 1; form.ContainsKey("model" + seat.ToString(CultureInfo.InvariantCulture)); seat++)
            {
                var n = seat.ToString(CultureInfo.InvariantCulture);
                seats.Add(new LiveSeat(form["model" + n].ToString(), form["name" + n].ToString(), form["system" + n].ToString()));
            }

            long? forkOf = long.TryParse(form["fork"], NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : null;
            int? forkAt = int.TryParse(form["at"], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : null;
            if (forkOf is null && !string.IsNullOrWhiteSpace(form["fork"]))
            {
                // Not a conversation id: a fork of nothing must not quietly become a new conversation.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await HtmlAsync(context, await LivePage.RenderFormAsync(web, context, $"'{form["fork"]}' is not a conversation to fork.", form).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }

            var request = new LiveRequest(seats, form["opener"].ToString(), form["stop"].ToString(), forkOf, forkAt);
            try
            {
                var id = await web.Live.StartAsync(request, context.RequestAborted).ConfigureAwait(false);
                context.Response.Redirect("/live/" + id.ToString(CultureInfo.InvariantCulture));
                context.Response.StatusCode = StatusCodes.Status303SeeOther;
            }
            catch (Exception ex) when (ex is PlanException or ModelResolutionException)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await HtmlAsync(context, await LivePage.RenderFormAsync(web, context, ex.Message, form).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }

        async Task WatchAsync(HttpContext context)
        {
            var id = RouteId(context);
            var transcript = await web.Store.GetTranscriptAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (transcript is null)
            {
                await ErrorAsync(context, StatusCodes.Status404NotFound, "No such conversation", $"There is no conversation {id.ToString(CultureInfo.InvariantCulture)} in {web.Store.Description}.").ConfigureAwait(false);
                return;
            }

            // Any conversation on the store can be watched, whichever process (or machine) runs it.
            await HtmlAsync(context, await LivePage.RenderWatchAsync(web, id, transcript, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        }

        async Task EventsAsync(HttpContext context)
        {
            var id = RouteId(context);
            var from = int.TryParse(context.Request.Query["from"], NumberStyles.None, CultureInfo.InvariantCulture, out var fromIndex) ? Math.Max(1, fromIndex) : 1;
            var cursor = LiveCursor.TryParse(context.Request.Headers["Last-Event-ID"], out var resumed) ? resumed : new LiveCursor(from - 1);
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            try
            {
                await foreach (var update in web.Follower.FollowAsync(id, cursor, context.RequestAborted).ConfigureAwait(false))
                {
                    var (type, json) = LiveEvents.Serialize(id, update);
                    await context.Response.WriteAsync($"id: {update.Cursor}\nevent: {type}\ndata: {json}\n\n", context.RequestAborted).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The browser went away.
            }
        }

        async Task StopAsync(HttpContext context)
        {
            var id = RouteId(context);
            var form = await FormAsync(context).ConfigureAwait(false);
            if (form is null || !FormKeyMatches(form))
            {
                await ErrorAsync(context, StatusCodes.Status403Forbidden, "Form expired", "Reload the page and press Stop again.").ConfigureAwait(false);
                return;
            }

            // Come back to a page that already says how it ended.
            await web.Live.StopAsync(id, TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
            context.Response.Redirect("/live/" + id.ToString(CultureInfo.InvariantCulture));
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
        }

        bool FormKeyMatches(IFormCollection form) =>
            string.Equals(form["_k"].ToString(), web.FormKey, StringComparison.Ordinal);
    }

    private static async Task AssetAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string;
        var (resource, type) = name switch
        {
            "site.css" => ("Crosstalk.Web.Assets.site.css", "text/css; charset=utf-8"),
            "app.js" => ("Crosstalk.Web.Assets.app.js", "text/javascript; charset=utf-8"),
            "icon.svg" => ("Crosstalk.Web.Assets.icon.svg", "image/svg+xml"),
            _ => (null, null),
        };
        var stream = resource is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream(resource);
        if (stream is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "Not found", "There is no such file.").ConfigureAwait(false);
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            context.Response.ContentType = type;
            context.Response.Headers.CacheControl = "no-cache";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    // The route admits positive ids only ({id:long:min(1)}), written as the route's constraint reads them ("+1" too).
    private static long RouteId(HttpContext context) =>
        long.Parse((string)context.Request.RouteValues["id"]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    // A POST that is not a form (no body, JSON) gets the form-expired page rather than an exception; one the form reader
    // refuses (a NUL in a value or key, which ASP.NET Core will not hand on; a malformed multipart body) is answered 400.
    private static async Task<IFormCollection?> FormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            throw new UnreadableFormException(ex);
        }
    }

    private sealed class UnreadableFormException(Exception inner)
        : Exception("The form holds what no form can: a NUL character, or a body cut off or malformed. Remove it and send the form again.", inner);

    private static async Task HtmlAsync(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A request that threw: reported on the server's error log (path, exception type and message, nothing of the
    /// request's content), and a page that says what a user can do. A store that fails says why; anything else is a bug.
    /// </summary>
    private static async Task FailedAsync(WebContext web, HttpContext context, Exception exception)
    {
        if (web.Options.ErrorLog is { } log)
        {
            // The path is the requester's to choose, and the message may quote stored text: shown, never acted on by the terminal.
            var line = "error: " + Transcripts.ErrorText.OneLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{context.Request.Method} {context.Request.Path}: {exception.GetType().Name}: {exception.Message.Split('\n')[0]}"));
            lock (log)
            {
                log.WriteLine(line);
                log.Flush();
            }
        }

        var message = exception is TranscriptStoreException
            ? exception.Message
            : "This is a bug in Crosstalk; the terminal that runs 'crosstalk serve' says what happened.";
        await ErrorAsync(context, StatusCodes.Status500InternalServerError, "This page could not be shown", message).ConfigureAwait(false);
    }

    private static Task ErrorAsync(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        var html = new HtmlBuilder().Element("h1", title).Element("p", message, ("class", "error"));
        return HtmlAsync(context, Layout.Page(title, string.Empty, html));
    }

    /// <summary>The original system's file name: <c>{A}_vs_{B}_{yyyyMMdd_HHmmss}</c>.</summary>
    private static string FileName(Transcript transcript, long id)
    {
        // As export names its files (a 100 KB name made a header too long to send: an empty download).
        var names = transcript.Participants.Count == 0 ? string.Empty : FileNames.Participants(transcript.Participants.Select(p => p.Name));
        var time = transcript.Started is { } started ? "_" + started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) : string.Empty;
        return names.Length == 0 ? "conversation-" + id.ToString(CultureInfo.InvariantCulture) : names + time;
    }

    private static bool IsLocalHostHeader(HostString host)
    {
        var name = host.Host;
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
