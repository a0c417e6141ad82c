using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Crosstalk.Web.Markdown;

/// <summary>
/// Renders untrusted model output as Markdown that cannot run anything: raw HTML is shown as text, links keep
/// their href only when it is an absolute http, https or mailto URL (anything else becomes visible text), images
/// become plain links (the page loads nothing from elsewhere), and links carry rel="nofollow noopener noreferrer".
/// </summary>
public static class SafeMarkdown
{
    private const string Rel = "nofollow noopener noreferrer";

    // Deliberately few extensions: generic attributes ({onclick=…}) and similar would let the text add markup.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .Build();

    /// <summary>
    /// Parses <paramref name="markdown"/> as the viewer reads it (the same extensions: pipe tables, strikethrough, task
    /// lists, autolinks), for a renderer of another kind: the terminal's.
    /// </summary>
    public static MarkdownDocument Parse(string markdown) => Markdig.Markdown.Parse(markdown, Pipeline);

    /// <summary>The HTML of <paramref name="markdown"/>, with nothing in it that can run or load anything.</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return string.Empty;
        }

        var document = Parse(markdown);
        Sanitize(document);

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Find<LinkInlineRenderer>()!.Rel = Rel;
        renderer.ObjectRenderers.Find<AutolinkInlineRenderer>()!.Rel = Rel;
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>Whether <paramref name="url"/> may become an href: absolute http, https or mailto only.</summary>
    public static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Scheme is "http" or "https" or "mailto";
    }

    private static void Sanitize(MarkdownDocument document)
    {
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!IsSafeUrl(autolink.Url))
            {
                autolink.ReplaceBy(new LiteralInline("<" + autolink.Url + ">"), copyChildren: false);
            }
        }

        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            var safe = IsSafeUrl(link.Url);
            if (link.IsImage)
            {
                // An image would make the browser fetch a URL chosen by the model; show it as a link instead.
                var alt = string.Concat(link.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
                Inline replacement = safe
                    ? new LinkInline(link.Url!, link.Title ?? string.Empty).AppendChild(new LiteralInline("image: " + (alt.Length > 0 ? alt : link.Url)))
                    : new LiteralInline("[image: " + alt + "] (" + link.Url + ")");
                link.ReplaceBy(replacement, copyChildren: false);
                continue;
            }

            if (safe)
            {
                continue;
            }

            // Keep what the model wrote, as text: the link's own words, then the refused target.
            var child = link.FirstChild;
            while (child is not null)
            {
                var next = child.NextSibling;
                child.Remove();
                link.InsertBefore(child);
                child = next;
            }

            if (!string.IsNullOrEmpty(link.Url))
            {
                link.InsertBefore(new LiteralInline(" (" + link.Url + ")"));
            }

            link.Remove();
        }
    }
}
