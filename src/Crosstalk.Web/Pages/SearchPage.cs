using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>Full-text search over message content: each hit links to its message in the conversation.</summary>
internal static class SearchPage
{
    private const int Limit = 100;

    public static async Task<string> RenderAsync(WebContext web, HttpContext context)
    {
        var text = context.Request.Query["q"].ToString().Trim();
        var html = new HtmlBuilder();
        html.Element("h1", text.Length == 0 ? "Search" : "Search: " + text);
        if (text.Length == 0)
        {
            html.Element("p", "Type words to find in any message (case and accents are ignored; every word must occur).", ("class", "empty"));
            return Layout.Page("Search", "search", html);
        }

        // Pages of Limit hits; one more is read to know whether there is a next page.
        var page = int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p : 1;
        var skip = (int)Math.Min(int.MaxValue - Limit - 1, (long)(page - 1) * Limit);
        var hits = new List<MessageHit>();
        await foreach (var hit in web.Store.SearchMessagesAsync(text, Limit + 1, skip, context.RequestAborted).ConfigureAwait(false))
        {
            hits.Add(hit);
        }

        var more = hits.Count > Limit;
        if (more)
        {
            hits.RemoveAt(hits.Count - 1);
        }

        var count = hits.Count == 0
            ? page == 1 ? "No message matches." : "No more matching messages."
            : page == 1 && !more
                ? hits.Count == 1 ? "1 matching message" : $"{hits.Count.ToString(CultureInfo.InvariantCulture)} matching messages"
                : $"Matching messages {(skip + 1).ToString(CultureInfo.InvariantCulture)}–{(skip + hits.Count).ToString(CultureInfo.InvariantCulture)}";
        html.Open("p", ("class", "count"), ("id", "result-count"))
            .Text(count)
            .Text(" · ").Link("/" + new ListFilters(null, null, null, null, null, null, null, text, 1).ToQueryString(), "conversations containing it")
            .Close("p");
        var terms = SearchTerms.Of(text);
        html.Raw("<ol class=\"hits\" id=\"hits\">");
        foreach (var hit in hits)
        {
            var href = $"/c/{hit.ConversationId.ToString(CultureInfo.InvariantCulture)}#m{hit.Index.ToString(CultureInfo.InvariantCulture)}";
            html.Open("li", ("class", "hit"))
                .Open("a", ("href", href))
                .Element("span", hit.ConversationTitle, ("class", "title"))
                .Text(" · message ").Text(hit.Index)
                .Close("a")
                .Text(" ")
                .Element("span", hit.Speaker, ("class", "chip " + Formats.SeatClass(hit.Seat)))
                .Open("p", ("class", "snippet"));
            Marked(html, hit.Snippet, terms);
            html.Close("p").Close("li");
        }

        html.Raw("</ol>");
        if (page > 1 || more)
        {
            html.Raw("<nav class=\"pager\" aria-label=\"Pages\">");
            if (page > 1)
            {
                html.Link(PageHref(text, page - 1), "← Earlier matches");
            }

            html.Element("span", $"Page {page.ToString(CultureInfo.InvariantCulture)}");
            if (more)
            {
                html.Link(PageHref(text, page + 1), "Later matches →");
            }

            html.Raw("</nav>");
        }

        return Layout.Page("Search: " + text, "search", html, text);
    }

    private static string PageHref(string text, int page) =>
        $"/search?q={Uri.EscapeDataString(text)}&page={page.ToString(CultureInfo.InvariantCulture)}";

    // The snippet as text, each place it holds a term marked (the text escaped as everywhere; only <mark> is added).
    private static void Marked(HtmlBuilder html, string snippet, IReadOnlyList<string> terms)
    {
        var at = 0;
        foreach (var (start, length) in SearchTerms.Find(snippet, terms))
        {
            html.Text(snippet[at..start]).Element("mark", snippet.Substring(start, length));
            at = start + length;
        }

        html.Text(snippet[at..]);
    }
}
