namespace Crosstalk.Web.Html;

/// <summary>The page chrome shared by every page: head, navigation, search box.</summary>
internal static class Layout
{
    public static string Page(string title, string section, HtmlBuilder body, string? searchText = null)
    {
        var html = new HtmlBuilder();
        html.Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Open("title").Text(title).Text(" · Crosstalk").Close("title")
            .Raw("<link rel=\"stylesheet\" href=\"/assets/site.css\">")
            .Raw("<link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">")
            .Raw("<script src=\"/assets/app.js\" defer></script>")
            .Raw("</head><body>")
            .Raw("<header class=\"top\"><a class=\"brand\" href=\"/\">Crosstalk</a><nav>");
        NavLink(html, "/", "Conversations", section == "conversations");
        NavLink(html, "/runs", "Runs", section == "runs");
        NavLink(html, "/live", "Live", section == "live");
        NavLink(html, "/corpus", "Corpus", section == "corpus");
        NavLink(html, "/cluster", "Cluster", section == "cluster");
        html.Raw("</nav><form class=\"search\" method=\"get\" action=\"/search\" role=\"search\">")
            .Open("input", ("type", "search"), ("name", "q"), ("placeholder", "Search messages…"), ("aria-label", "Search messages"), ("value", searchText ?? string.Empty))
            .Raw("<button type=\"submit\">Search</button></form></header>")
            .Raw("<main>")
            .Raw(body.ToString())
            .Raw("</main></body></html>");
        return html.ToString();
    }

    /// <summary>
    /// A page that stands alone as a file: the viewer's stylesheet inlined, no script, no navigation, nothing loaded from
    /// elsewhere (the report of <c>analyze --html</c>).
    /// </summary>
    public static string SelfContained(string title, HtmlBuilder body)
    {
        var html = new HtmlBuilder();
        html.Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Open("title").Text(title).Close("title")
            .Raw("<style>").Raw(Stylesheet.Value).Raw("</style>")
            .Raw("</head><body><main>")
            .Raw(body.ToString())
            .Raw("</main></body></html>\n");
        return html.ToString();
    }

    /// <summary>Our own stylesheet, as the server sends it at /assets/site.css.</summary>
    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(Layout).Assembly.GetManifestResourceStream("Crosstalk.Web.Assets.site.css")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static void NavLink(HtmlBuilder html, string href, string text, bool current) =>
        html.Element("a", text, ("href", href), ("aria-current", current ? "page" : null));
}
