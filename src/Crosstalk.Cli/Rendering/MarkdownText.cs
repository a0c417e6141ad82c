using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Crosstalk.Cli.Rendering;

/// <summary>
/// Renders a message's Markdown readably in the terminal: headings, emphasis, lists, quotes and code blocks.
/// Model output is untrusted: control characters are made visible (<see cref="TerminalText"/>), every piece of text
/// is escaped before it becomes Spectre markup, and raw HTML is shown as text.
/// </summary>
internal static class MarkdownText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();

    public static IRenderable Render(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return new Markup(markdown.Length == 0 ? "[grey](empty)[/]" : "[grey](blank)[/]");
        }

        markdown = TerminalText.Clean(markdown);
        var document = Markdown.Parse(markdown, Pipeline);
        var parts = new List<IRenderable>();
        foreach (var block in document)
        {
            parts.Add(RenderBlock(block, markdown));
        }

        return new Rows(parts);
    }

    private static IRenderable RenderBlock(Block block, string source)
    {
        switch (block)
        {
            case HeadingBlock heading:
                return new Markup($"[bold underline]{Inlines(heading.Inline)}[/]");
            case ParagraphBlock paragraph:
                return new Markup(Inlines(paragraph.Inline));
            case FencedCodeBlock or CodeBlock:
                var code = ((LeafBlock)block).Lines.ToString();
                return new Panel(new Text(code, new Style(Color.Grey82))) { Border = BoxBorder.Rounded, BorderStyle = new Style(Color.Grey42) };
            case QuoteBlock quote:
                var inner = new Rows(quote.Select(b => RenderBlock(b, source)).ToList());
                return new Padder(inner, new Padding(2, 0, 0, 0));
            case ListBlock list:
                var items = new List<IRenderable>();
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var bullet = list.IsOrdered ? $"{number++}." : "•";
                    var content = new Rows(item.Select(b => RenderBlock(b, source)).ToList());
                    var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(1)).AddColumn();
                    grid.AddRow(new Text(bullet), content);
                    items.Add(grid);
                }

                return new Rows(items);
            case ThematicBreakBlock:
                return new Rule { Style = new Style(Color.Grey42) };
            default:
                // HTML blocks and anything else: the exact source text, never interpreted.
                return new Text(source.Substring(block.Span.Start, Math.Max(0, Math.Min(block.Span.Length, source.Length - block.Span.Start))));
        }
    }

    private static string Inlines(ContainerInline? container)
    {
        if (container is null)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var inline in container)
        {
            AppendInline(builder, inline);
        }

        return builder.ToString();
    }

    private static void AppendInline(StringBuilder builder, Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                builder.Append(TerminalText.Escape(literal.Content.ToString()));
                break;
            case EmphasisInline emphasis:
                var style = emphasis.DelimiterCount >= 2 ? "bold" : "italic";
                builder.Append('[').Append(style).Append(']');
                foreach (var child in emphasis)
                {
                    AppendInline(builder, child);
                }

                builder.Append("[/]");
                break;
            case CodeInline code:
                builder.Append("[grey82 on grey19]").Append(TerminalText.Escape(code.Content)).Append("[/]");
                break;
            case LineBreakInline:
                builder.Append('\n');
                break;
            case LinkInline link:
                foreach (var child in link)
                {
                    AppendInline(builder, child);
                }

                if (!string.IsNullOrEmpty(link.Url))
                {
                    builder.Append(" [grey](").Append(TerminalText.Escape(link.Url)).Append(")[/]");
                }

                break;
            case DelimiterInline delimiter:
                // A bracket or emphasis mark that closed nothing ("[[", "a * b"): shown as written.
                builder.Append(TerminalText.Escape(delimiter.ToLiteral()));
                foreach (var child in delimiter)
                {
                    AppendInline(builder, child);
                }

                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    AppendInline(builder, child);
                }

                break;
            case HtmlInline html:
                builder.Append(TerminalText.Escape(html.Tag));
                break;
            case HtmlEntityInline entity:
                builder.Append(TerminalText.Escape(entity.Original.ToString()));
                break;
            case AutolinkInline autolink:
                builder.Append(TerminalText.Escape(autolink.Url));
                break;
            default:
                builder.Append(TerminalText.Escape(inline.ToString() ?? string.Empty));
                break;
        }
    }
}
