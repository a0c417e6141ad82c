using Crosstalk.Studies;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Crosstalk.Cli.Rendering;

/// <summary>A study's report in the terminal: its warnings first, then every table with its note.</summary>
internal static class StudyView
{
    public static IEnumerable<IRenderable> Render(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        yield return new Rule($"[bold]{TerminalText.Escape(report.Title)}[/]") { Justification = Justify.Left };
        yield return new Markup($"[grey]study {TerminalText.Escape(report.Study)}{(report.Run is null ? "" : " · run " + TerminalText.Escape(report.Run))} · {report.Conversations:N0} conversations[/]" + "\n");
        foreach (var warning in report.Warnings)
        {
            yield return new Markup($"[yellow]warning:[/] {TerminalText.Escape(warning)}\n");
        }

        foreach (var renderable in Tables(report.Tables))
        {
            yield return renderable;
        }
    }

    /// <summary>Tables of a study, each with its note.</summary>
    public static IEnumerable<IRenderable> Tables(IEnumerable<StudyTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var table in tables)
        {
            yield return Text.NewLine;
            var grid = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"[bold]{TerminalText.Escape(table.Title)}[/]") };
            for (var i = 0; i < table.Columns.Count; i++)
            {
                grid.AddColumn(new TableColumn(TerminalText.Escape(table.Columns[i])) { Alignment = table.IsNumeric(i) ? Justify.Right : Justify.Left });
            }

            foreach (var row in table.Rows)
            {
                grid.AddRow(row.Select(cell => (IRenderable)new Text(TerminalText.Clean(cell.Text))).ToArray());
            }

            yield return grid;
            if (table.Note is { } note)
            {
                yield return new Markup($"[grey]{TerminalText.Escape(note)}[/]\n");
            }
        }
    }
}
