using System.Globalization;
using Crosstalk.Analysis;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Crosstalk.Cli.Rendering;

/// <summary>The terminal view of a corpus analysis: distributions, then per-model and per-pair tables.</summary>
internal static class CorpusView
{
    public static IEnumerable<IRenderable> Render(CorpusAnalysis corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        yield return new Markup(string.Create(
            CultureInfo.InvariantCulture,
            $"[bold]{corpus.Conversations:N0}[/] conversations, [bold]{corpus.Messages:N0}[/] messages · goodbye loops in [bold]{corpus.GoodbyeLoops:N0}[/] · [bold]{corpus.MessagesAfterFirstEnd:N0}[/] messages spoken after the first end signal\n"));

        yield return Counts("Stop reasons", corpus.StopReasons);
        yield return Counts("First end signal at message", corpus.FirstEndMessages.Take(15).ToList());
        var lengths = corpus.Lengths.Select(r => (double)r.Count).ToList();
        if (lengths.Count > 0)
        {
            yield return new Markup($"[bold]Lengths[/] {TerminalText.Escape(corpus.Lengths[0].Key)}…{TerminalText.Escape(corpus.Lengths[^1].Key)} messages  {TerminalText.Escape(Sparkline.Render(lengths, 60))}\n");
        }

        var models = new Table { Border = TableBorder.Simple, Title = new TableTitle("[bold]Per model[/]") };
        models.AddColumns("Model", "Conv.", "Refusals", "Goodbye loop", "Ends first", "Msgs after end", "Tokens after end");
        foreach (var row in corpus.Models)
        {
            models.AddRow(
                TerminalText.Escape(row.Model),
                row.Conversations.ToString("N0", CultureInfo.InvariantCulture),
                Percent(row.RefusalRate),
                Percent(row.GoodbyeLoopRate),
                Percent(row.EndTokenFirstRate),
                row.MeanMessagesAfterFirstEnd.ToString("0.0", CultureInfo.InvariantCulture),
                row.TokensAfterFirstEnd.ToString("N0", CultureInfo.InvariantCulture));
        }

        yield return models;

        var signatures = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var row in corpus.Models)
        {
            signatures.AddRow(
                new Markup($"[bold]{TerminalText.Escape(row.Model)}[/]"),
                new Text(TerminalText.Clean(string.Join(" ", row.TopEmoji.Take(5).Concat(row.Keywords.Take(10))))));
        }

        yield return new Markup("[bold]Signatures[/] [grey](top emoji and most distinctive words per model)[/]\n");
        yield return new Padder(signatures, new Padding(0, 0, 0, 1));

        var pairs = new Table { Border = TableBorder.Simple, Title = new TableTitle("[bold]Per pair[/]") };
        pairs.AddColumns("Pair", "Conv.", "Mean msgs", "Refusals", "Goodbye loop", "End token", "Msgs after end");
        foreach (var row in corpus.Pairs)
        {
            pairs.AddRow(
                TerminalText.Escape(row.Pair),
                row.Conversations.ToString("N0", CultureInfo.InvariantCulture),
                row.MeanMessages.ToString("0.0", CultureInfo.InvariantCulture),
                Percent(row.RefusalRate),
                Percent(row.GoodbyeLoopRate),
                Percent(row.EndTokenRate),
                row.MeanMessagesAfterFirstEnd.ToString("0.0", CultureInfo.InvariantCulture));
        }

        yield return pairs;
    }

    private static IRenderable Counts(string title, IReadOnlyList<CountRow> rows)
    {
        var chart = new BarChart { Width = 70, Label = $"[bold]{TerminalText.Escape(title)}[/]" };
        foreach (var row in rows)
        {
            // A stop reason is read from the file: Spectre would take "[" in it for markup.
            chart.AddItem(TerminalText.Escape(row.Key), row.Count, Color.DeepSkyBlue1);
        }

        return new Padder(chart, new Padding(0, 0, 0, 1));
    }

    private static string Percent(double rate) => rate.ToString("0%", CultureInfo.InvariantCulture);
}
