using System.Text;
using Crosstalk.Web.Markdown;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Crosstalk.Cli.Rendering;

/// <summary>
/// Renders a message's Markdown readably in the terminal, read as the viewer reads it (<see cref="SafeMarkdown.Parse"/>):
/// paragraphs with a blank line between them, headings, emphasis, lists, task lists, quotes, code blocks and tables.
/// Model output is untrusted: control characters are made visible (<see cref="TerminalText"/>), every piece of text
/// is escaped before it becomes Spectre markup, and raw HTML is shown as text.
/// </summary>
internal static class MarkdownText
{
    public static IRenderable Render(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return new Markup(markdown.Length == 0 ? "[grey](empty)[/]" : "[grey](blank)[/]");
        }

        markdown = TerminalText.Clean(markdown);
        return Blocks(SafeMarkdown.Parse(markdown), markdown);
    }

    // Blocks one below the other with a blank line between them, as paragraphs are read.
    private static Rows Blocks(ContainerBlock container, string source)
    {
        var parts = new List<IRenderable>();
        foreach (var block in container)
        {
            if (parts.Count > 0)
            {
                parts.Add(new Text(string.Empty));
            }

            parts.Add(RenderBlock(block, source));
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
                return new Padder(Blocks(quote, source), new Padding(2, 0, 0, 0));
            case Markdig.Extensions.Tables.Table table:
                return RenderTable(table);
            case ListBlock list:
                var items = new List<IRenderable>();
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var bullet = list.IsOrdered ? $"{number++}." : "•";
                    var content = Blocks(item, source);
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

    // A pipe table as a terminal table: the header row bold, each cell's inline Markdown kept, columns aligned as written.
    private static Spectre.Console.Table RenderTable(Markdig.Extensions.Tables.Table table)
    {
        var rows = table.OfType<Markdig.Extensions.Tables.TableRow>().ToList();
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var result = new Spectre.Console.Table { Border = TableBorder.Rounded, BorderStyle = new Style(Color.Grey42) };
        var header = rows.FirstOrDefault(r => r.IsHeader);
        for (var i = 0; i < width; i++)
        {
            var column = new TableColumn(new Markup(header is not null && i < header.Count ? "[bold]" + Cell(header[i]) + "[/]" : string.Empty));
            if (i < table.ColumnDefinitions.Count)
            {
                column.Alignment = table.ColumnDefinitions[i].Alignment switch
                {
                    Markdig.Extensions.Tables.TableColumnAlign.Right => Justify.Right,
                    Markdig.Extensions.Tables.TableColumnAlign.Center => Justify.Center,
                    _ => Justify.Left,
                };
            }

            result.AddColumn(column);
        }

        if (header is null)
        {
            result.HideHeaders();
        }

        foreach (var row in rows.Where(r => !r.IsHeader))
        {
            result.AddRow(Enumerable.Range(0, width).Select(i => (IRenderable)new Markup(i < row.Count ? Cell(row[i]) : string.Empty)));
        }

        return result;
    }

    private static string Cell(Block cell) =>
        string.Join(" ", ((ContainerBlock)cell).OfType<LeafBlock>().Select(leaf => Inlines(leaf.Inline)));

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
            case Markdig.Extensions.TaskLists.TaskList task:
                builder.Append(task.Checked ? "☑" : "☐");
                break;
            case EmphasisInline emphasis:
                var style = emphasis.DelimiterChar == '~' ? "strikethrough" : emphasis.DelimiterCount >= 2 ? "bold" : "italic";
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
