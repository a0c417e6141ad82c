using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>The home page: conversations, newest first, paged and filterable.</summary>
internal static class ConversationsPage
{
    public static async Task<string> RenderAsync(WebContext web, HttpContext context)
    {
        var filters = ListFilters.Parse(context.Request.Query);
        var query = filters.ToQuery(web.Time.LocalTimeZone);
        var cancellationToken = context.RequestAborted;
        var total = await web.Store.CountConversationsAsync(query, cancellationToken).ConfigureAwait(false);
        var rows = new List<ConversationSummary>(ListFilters.PageSize);
        await foreach (var row in web.Store.ListConversationsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        var html = new HtmlBuilder();
        html.Element("h1", "Conversations");
        WriteFilterForm(html, filters);
        html.Open("p", ("class", "count"), ("id", "result-count"))
            .Text(Formats.Number(total)).Text(total == 1 ? " conversation" : " conversations")
            .Text(filters == ListFilters.Parse(new QueryCollection()) ? string.Empty : " match")
            .Close("p");
        if (rows.Count == 0)
        {
            html.Element("p", total == 0 && filters.Page == 1
                ? "No conversations here yet. Start one on the Live page, or import transcripts with crosstalk import."
                : "No conversations on this page.", ("class", "empty"));
        }
        else
        {
            WriteTable(html, rows);
        }

        WritePager(html, filters, total);
        return Layout.Page("Conversations", "conversations", html);
    }

    public static void WriteTable(HtmlBuilder html, IEnumerable<ConversationSummary> rows)
    {
        html.Raw("<table class=\"list\" id=\"conversations\"><thead><tr><th>#</th><th>Conversation</th><th>Models</th><th>Started</th>"
            + "<th class=\"num\">Messages</th><th>Stop reason</th><th class=\"num\">Tokens</th></tr></thead><tbody>");
        foreach (var row in rows)
        {
            var id = row.Id.ToString(CultureInfo.InvariantCulture);
            html.Open("tr", ("data-id", id))
                .Open("td").Text(row.Id).Close("td")
                .Open("td").Link("/c/" + id, string.IsNullOrEmpty(row.Title) ? "(untitled)" : row.Title, "title").Close("td")
                .Open("td", ("class", "models"));
            foreach (var participant in row.Participants)
            {
                html.Element("span", participant.Model ?? participant.Name, ("class", "chip " + Formats.SeatClass(participant.Seat)));
            }

            html.Close("td")
                .Element("td", Formats.Time(row.Started), ("class", "time"))
                .Open("td", ("class", "num")).Text(row.MessageCount).Close("td")
                .Open("td").Element("span", row.State, ("class", Formats.StopClass(row.State))).Close("td")
                .Element("td", Formats.Number(row.TotalTokens), ("class", "num"))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
    }

    private static void WriteFilterForm(HtmlBuilder html, ListFilters filters)
    {
        html.Raw("<form class=\"filters\" method=\"get\" action=\"/\" id=\"filters\">");
        Field(html, "Model or name", "model", filters.Model, "text", "e.g. kimi");
        html.Raw("<label>Stop reason <select name=\"stop\"><option value=\"\">any</option>");
        foreach (var reason in StopReasons.All)
        {
            html.Open("option", ("value", reason), ("selected", filters.Stop == reason ? string.Empty : null)).Text(reason).Close("option");
        }

        html.Raw("</select></label>");
        Field(html, "Min messages", "min", filters.Min?.ToString(CultureInfo.InvariantCulture), "number", null);
        Field(html, "Max messages", "max", filters.Max?.ToString(CultureInfo.InvariantCulture), "number", null);
        Field(html, "Started from", "from", filters.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "date", null);
        Field(html, "to", "to", filters.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "date", null);
        Field(html, "Containing text", "q", filters.Text, "search", "words in any message");
        if (filters.Run is not null)
        {
            html.Open("input", ("type", "hidden"), ("name", "run"), ("value", filters.Run));
        }

        html.Raw("<button type=\"submit\">Filter</button> <a href=\"/\" class=\"reset\">Reset</a></form>");
    }

    private static void Field(HtmlBuilder html, string label, string name, string? value, string type, string? placeholder) =>
        html.Open("label").Text(label).Text(" ")
            .Open("input", ("type", type), ("name", name), ("value", value ?? string.Empty), ("placeholder", placeholder), ("min", type == "number" ? "0" : null))
            .Close("label");

    private static void WritePager(HtmlBuilder html, ListFilters filters, long total)
    {
        var pages = Math.Max(1, (total + ListFilters.PageSize - 1) / ListFilters.PageSize);
        if (pages <= 1)
        {
            return;
        }

        html.Raw("<nav class=\"pager\" aria-label=\"Pages\">");
        if (filters.Page > 1)
        {
            html.Element("a", "← Newer", ("href", "/" + filters.ToQueryString((int)Math.Min(filters.Page - 1, pages))), ("rel", "prev"));
        }

        html.Element("span", $"Page {filters.Page.ToString(CultureInfo.InvariantCulture)} of {Formats.Number(pages)}");
        if (filters.Page > pages)
        {
            // Past the end (an old link, a hand-typed number): the way back to the start.
            html.Element("a", "First page", ("href", "/" + filters.ToQueryString(1)));
        }
        else if (filters.Page < pages)
        {
            html.Element("a", "Older →", ("href", "/" + filters.ToQueryString(filters.Page + 1)), ("rel", "next"));
        }

        html.Raw("</nav>");
    }
}
