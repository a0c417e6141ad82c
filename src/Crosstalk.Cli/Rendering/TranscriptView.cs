using System.Globalization;
using Crosstalk.Transcripts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Crosstalk.Cli.Rendering;

/// <summary>The terminal view of a transcript: a header, then every message under its speaker's colour.</summary>
internal static class TranscriptView
{
    public static IRenderable Header(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var participant in transcript.Participants)
        {
            var model = participant.Model is null ? "" : $" [grey]({TerminalText.Escape(participant.Model)})[/]";
            grid.AddRow(
                new Markup($"[grey]Seat {participant.Seat}[/]"),
                new Markup($"[{SeatPalette.For(participant.Seat).ToMarkup()} bold]{TerminalText.Escape(participant.Name)}[/]{model}"));
        }

        grid.AddRow(new Markup("[grey]Time[/]"), new Text(TimeSpan(transcript)));
        grid.AddRow(new Markup("[grey]Messages[/]"), new Text(transcript.Messages.Count.ToString(CultureInfo.InvariantCulture)));
        grid.AddRow(new Markup("[grey]Stopped[/]"), new Markup(StopLine(transcript)));
        return new Panel(grid)
        {
            Header = new PanelHeader($" {TerminalText.Escape(transcript.Title)} "),
            Border = BoxBorder.Rounded,
        };
    }

    public static IRenderable MessageHeading(int index, int seat, string speaker) =>
        new Rule($"[{SeatPalette.For(seat).ToMarkup()} bold]{TerminalText.Escape(speaker)}[/] [grey]#{index}[/]")
        {
            Justification = Justify.Left,
            Style = new Style(SeatPalette.For(seat)),
        };

    public static IEnumerable<IRenderable> Messages(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            var message = transcript.Messages[i];
            yield return MessageHeading(i + 1, message.Seat, message.Speaker);
            yield return MarkdownText.Render(message.Content);
            if (!string.IsNullOrEmpty(message.Reasoning))
            {
                yield return new Markup($"[grey]reasoning kept apart ({message.Reasoning.Length:N0} characters)[/]");
            }

            yield return Text.NewLine;
        }
    }

    public static string StopLine(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (transcript.Stop is not { } stop)
        {
            return transcript.Ended is null ? "[yellow]not finished[/]" : "[grey]reason not recorded[/]";
        }

        var who = "";
        if (stop.Seat is { } seat && stop.Message is { } message)
        {
            var name = transcript.Participants.FirstOrDefault(p => p.Seat == seat)?.Name ?? $"seat {seat}";
            who = $" by [{SeatPalette.For(seat).ToMarkup()}]{TerminalText.Escape(name)}[/] at message {message}";
        }
        else if (stop.Message is { } only)
        {
            who = $" at message {only}";
        }

        var detail = string.IsNullOrEmpty(stop.Detail) ? "" : $" [grey]— {TerminalText.Escape(stop.Detail)}[/]";
        return $"[bold]{TerminalText.Escape(stop.Reason)}[/]{who}{detail}";
    }

    private static string TimeSpan(Transcript transcript)
    {
        const string Format = "yyyy-MM-dd HH:mm:ss";
        var started = transcript.Started?.ToString(Format, CultureInfo.InvariantCulture) ?? "?";
        if (transcript.Ended is not { } ended)
        {
            return $"{started} → (not ended)";
        }

        var duration = transcript.Started is { } s ? $" ({Duration(ended - s)})" : "";
        return $"{started} → {ended.ToString(Format, CultureInfo.InvariantCulture)}{duration}";
    }

    internal static string Duration(System.TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours}h {span.Minutes:D2}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds:D2}s" : $"{span.TotalSeconds:0.0}s";
}
