using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Crosstalk.Web.Markdown;

/// <summary>
/// Renders untrusted model output as Markdown that cannot run anything: raw HTML is shown as text, links keep
/// their href only when it is an absolute http, https or mailto URL (anything else becomes visible text), images
/// become plain links (the page loads nothing from elsewhere), links carry rel="nofollow noopener noreferrer", and a
/// bidirectional override or isolate is shown as U+FFFD rather than reordering the text after it.
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
    /// <remarks>
    /// Text nested deeper than a reader could follow (a thousand <c>&gt;</c> in a row, lists indented thousands of columns,
    /// brackets inside brackets: what a model stuck in an attractor writes) is shown as it is, in a code block: Markdig
    /// takes seconds on such nesting and then refuses it, which made the conversation page fail.
    /// </remarks>
    public static MarkdownDocument Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (!TooDeep(markdown))
        {
            try
            {
                return Markdig.Markdown.Parse(markdown, Pipeline);
            }
            catch (ArgumentException)
            {
                // Markdig's own depth limit, reached in a way the check below does not foresee.
            }
        }

        return Markdig.Markdown.Parse(AsCodeBlock(markdown), Pipeline);
    }

    /// <summary>
    /// The deepest nesting shown as Markdown: block quotes, indentation (lists) in columns, brackets on one line; and the most link
    /// destinations opened on one line (Markdig looks for each one's end through the rest of the line: quadratic).
    /// </summary>
    internal const int MaxQuotes = 32, MaxIndent = 256, MaxBrackets = 64, MaxLinksPerLine = 256;

    /// <summary>Whether <paramref name="markdown"/> goes past one of the limits above, in one pass.</summary>
    internal static bool TooDeep(string markdown)
    {
        var brackets = 0;
        var lineStart = true;
        var indent = 0;
        var quotes = 0;
        var links = 0;
        var previous = '\0';
        foreach (var c in markdown)
        {
            if (c == '\n')
            {
                lineStart = true;
                indent = 0;
                quotes = 0;
                links = 0;
                brackets = 0;
                previous = c;
                continue;
            }

            if (c == '(' && previous == ']' && ++links > MaxLinksPerLine)
            {
                return true;
            }

            previous = c;

            if (lineStart)
            {
                if (c is ' ' or '\t')
                {
                    indent += c == '\t' ? 4 : 1;
                    if (indent > MaxIndent)
                    {
                        return true;
                    }

                    continue;
                }

                if (c == '>')
                {
                    if (++quotes > MaxQuotes)
                    {
                        return true;
                    }

                    continue;
                }

                lineStart = false;
            }

            if (c == '[' && ++brackets > MaxBrackets)
            {
                return true;
            }

            if (c == ']' && brackets > 0)
            {
                brackets--;
            }
        }

        return false;
    }

    // The text as one fenced code block, its fence longer than any run of backticks in it.
    private static string AsCodeBlock(string text)
    {
        var longest = 0;
        var run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', Math.Max(3, longest + 1));
        return fence + "\n" + text + "\n" + fence + "\n";
    }

    /// <summary>The HTML of <paramref name="markdown"/>, with nothing in it that can run or load anything.</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return string.Empty;
        }

        // A bidirectional override would make the rest of its block read in another order than the model wrote it.
        var document = Parse(Transcripts.ErrorText.InDisplayOrder(markdown));
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
