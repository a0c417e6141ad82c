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

    /// <summary>Every message under its heading; with <paramref name="details"/>, a line of what it cost and how it went.</summary>
    public static IEnumerable<IRenderable> Messages(Transcript transcript, bool details = false)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        for (var i = 0; i < transcript.Messages.Count; i++)
        {
            var message = transcript.Messages[i];
            yield return MessageHeading(i + 1, message.Seat, message.Speaker);
            if (details)
            {
                yield return new Markup("[grey]" + TerminalText.Escape(Details(message)) + "[/]");
                foreach (var attempt in message.Attempts)
                {
                    yield return new Markup("[grey]  " + TerminalText.Escape(AttemptLine(attempt)) + "[/]");
                }
            }

            yield return MarkdownText.Render(message.Content);
            if (!string.IsNullOrEmpty(message.Reasoning))
            {
                yield return new Markup($"[grey]reasoning kept apart ({message.Reasoning.Length:N0} characters)[/]");
            }

            yield return Text.NewLine;
        }
    }

    /// <summary>The totals of a transcript for <c>show --details</c>: tokens, cost, time spent waiting for replies, retries.</summary>
    public static IRenderable Totals(Transcript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        var usages = transcript.Messages.Where(m => m.Usage is not null).Select(m => m.Usage!).ToList();
        grid.AddRow(new Markup("[grey]Tokens[/]"), new Text(usages.Count == 0
            ? "not recorded"
            : $"{usages.Sum(u => u.InputTokens):N0} in, {usages.Sum(u => u.OutputTokens):N0} out over {usages.Count:N0} message(s)" + (usages.Any(u => u.Estimated) ? " (some estimated)" : "")));
        var costs = transcript.Messages.Where(m => m.Cost is not null).Select(m => m.Cost!.Value).ToList();
        grid.AddRow(new Markup("[grey]Cost[/]"), new Text(costs.Count == 0 ? "not recorded" : Money(costs.Sum())));
        var latencies = transcript.Messages.Where(m => m.Latency is not null).Select(m => m.Latency!.Value).ToList();
        grid.AddRow(new Markup("[grey]Waiting[/]"), new Text(latencies.Count == 0
            ? "not recorded"
            : $"{Duration(new System.TimeSpan(latencies.Sum(l => l.Ticks)))} in all, {Seconds(new System.TimeSpan((long)latencies.Average(l => l.Ticks)))} per reply on average"));
        var failed = transcript.Messages.Sum(m => m.Attempts.Count) + (transcript.Stop?.Attempts.Count ?? 0);
        grid.AddRow(new Markup("[grey]Retries[/]"), new Text(failed == 0 ? "none" : $"{failed:N0} failed attempt(s)"));
        foreach (var attempt in transcript.Stop?.Attempts ?? [])
        {
            grid.AddRow(new Text(string.Empty), new Text(TerminalText.Clean("before the stop: " + AttemptLine(attempt))));
        }

        return grid;
    }

    // One line under a message's heading: tokens · latency (first token) · cost · finish reason · attempts.
    private static string Details(TranscriptMessage message)
    {
        var parts = new List<string>();
        if (message.Usage is { } usage)
        {
            parts.Add($"{usage.InputTokens:N0} in, {usage.OutputTokens:N0} out" + (usage.ReasoningTokens is { } r ? $", {r:N0} reasoning" : "") + (usage.Estimated ? " tokens (estimated)" : " tokens"));
        }
        else
        {
            parts.Add("tokens not recorded");
        }

        if (message.Latency is { } latency)
        {
            parts.Add(Seconds(latency) + (message.TimeToFirstToken is { } first ? $" (first token {Seconds(first)})" : ""));
        }

        parts.Add(message.Cost is { } cost ? Money(cost) : "cost not recorded");
        if (message.FinishReason is { } finish)
        {
            parts.Add("finish: " + finish);
        }

        parts.Add(message.Attempts.Count == 0 ? "1 attempt" : $"{message.Attempts.Count + 1} attempts");
        if (message.Timestamp is { } at)
        {
            parts.Add(at.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        }

        return TerminalText.Clean(string.Join(" · ", parts));
    }

    private static string AttemptLine(Attempt attempt) =>
        TerminalText.Clean($"attempt {attempt.Number} failed: {attempt.Error}"
            + (attempt.StatusCode is { } status ? $" (HTTP {status})" : "")
            + (attempt.Duration is { } d ? $" after {Seconds(d)}" : "")
            + (attempt.RetryAfter is { } wait ? $", retry after {Seconds(wait)}" : ""));

    private static string Seconds(System.TimeSpan span) => span.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static string Money(decimal value) => "$" + value.ToString("0.######", CultureInfo.InvariantCulture);

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
