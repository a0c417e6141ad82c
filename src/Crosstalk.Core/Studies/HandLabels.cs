using System.Globalization;
using Crosstalk.Experiments;

namespace Crosstalk.Studies;

/// <summary>
/// A person's own labels, to measure a judge panel against: a CSV file whose header is <c>conversation</c> and the rubric's
/// fields, one row per conversation (its id in the store), e.g. <c>conversation,topic,ending</c> /
/// <c>42,philosophy,clean end</c>. An empty cell is no label. Fields may be quoted ("a, b").
/// </summary>
public static class HandLabels
{
    /// <summary>Reads <paramref name="path"/>; a problem is one sentence naming the file and line.</summary>
    /// <exception cref="ExperimentFileException">The file cannot be read or is not laid out as above.</exception>
    public static IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = ExperimentFile.ReadText(path, "give a CSV file of labels").ReplaceLineEndings("\n").Split('\n');

        if (lines.Length == 0 || Cells(lines[0], path, 1) is not [var first, .. var fields] || !first.Equals("conversation", StringComparison.OrdinalIgnoreCase) || fields.Length == 0)
        {
            throw new ExperimentFileException(path, 1, 1, "the first line must name the columns: conversation, then the rubric's fields (e.g. conversation,topic,ending).");
        }

        var labels = new Dictionary<long, IReadOnlyDictionary<string, string>>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = Cells(lines[i], path, i + 1);
            if (!long.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new ExperimentFileException(path, i + 1, 1, $"'{cells[0]}' is not a conversation id ('crosstalk list RUN' shows them).");
            }

            if (cells.Length > fields.Length + 1)
            {
                throw new ExperimentFileException(path, i + 1, 1, $"has {cells.Length} cells, the header {fields.Length + 1}.");
            }

            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var f = 0; f < fields.Length && f + 1 < cells.Length; f++)
            {
                if (cells[f + 1].Length > 0)
                {
                    row[fields[f]] = cells[f + 1];
                }
            }

            if (!labels.TryAdd(id, row))
            {
                throw new ExperimentFileException(path, i + 1, 1, $"conversation {id} is labelled twice.");
            }
        }

        return labels;
    }

    private static string[] Cells(string line, string path, int number)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.ToString().Trim().Length == 0)
            {
                cell.Clear();
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        if (quoted)
        {
            throw new ExperimentFileException(path, number, line.Length, "a quoted cell is not closed.");
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }
}
