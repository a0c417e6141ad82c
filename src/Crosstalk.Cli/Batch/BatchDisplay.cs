using System.Globalization;
using System.Text;
using Crosstalk.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Shows a batch's progress: in a terminal, a live panel (overall bar with ETA, rate, cost, one line per running
/// conversation, counts by stop reason); elsewhere (pipes, CI, tests), a plain line every few seconds.
/// </summary>
internal sealed class BatchDisplay
{
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;
    private readonly bool _live;
    private readonly TimeSpan _lineInterval;
    private double _startFraction = -1;

    public BatchDisplay(IAnsiConsole console, TimeProvider time, bool live, TimeSpan lineInterval)
    {
        _console = console;
        _time = time;
        _live = live;
        _lineInterval = lineInterval;
    }

    public async Task ShowAsync(BatchProgress progress, Func<Task> work)
    {
        _startFraction = progress.Fraction;
        var task = work();
        if (_live)
        {
            await _console.Live(Render(progress)).AutoClear(true).StartAsync(async context =>
            {
                while (!task.IsCompleted)
                {
                    await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(250), _time)).ConfigureAwait(false);
                    context.UpdateTarget(Render(progress));
                }
            }).ConfigureAwait(false);
        }
        else if (_lineInterval > TimeSpan.Zero)
        {
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(_lineInterval, _time)).ConfigureAwait(false);
                if (!task.IsCompleted)
                {
                    _console.WriteLine(Line(progress));
                }
            }
        }

        await task.ConfigureAwait(false);
        _console.WriteLine(Line(progress));
    }

    /// <summary>One plain line: "120/200 conversations · 4,311 messages · 97.3 msg/s · $0.0000 · ETA 0:12 · end-token 80, max-messages 40".</summary>
    public string Line(BatchProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"{progress.Finished}/{progress.Total} conversations · {progress.Messages:N0} messages · {Rate(progress):0.0} msg/s · {Money(progress.Cost)}");
        if (progress.Eta(Math.Max(0, _startFraction)) is { } eta && progress.Finished < progress.Total)
        {
            builder.Append(" · ETA ").Append(Duration(eta));
        }

        var reasons = progress.StopReasons;
        if (reasons.Count > 0)
        {
            builder.Append(" · ").AppendJoin(", ", reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value}")));
        }

        if (progress.Elsewhere > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $" · waiting for {progress.Elsewhere} running in another process");
        }

        return builder.ToString();
    }

    private IRenderable Render(BatchProgress progress)
    {
        var fraction = progress.Fraction;
        var width = Math.Max(40, _console.Profile.Width);
        var barWidth = Math.Clamp(width - 40, 10, 60);
        var filled = (int)Math.Round(fraction * barWidth);
        var eta = progress.Eta(Math.Max(0, _startFraction)) is { } e ? Duration(e) : "–";
        var rows = new List<IRenderable>
        {
            new Markup(string.Create(
                CultureInfo.InvariantCulture,
                $"[green]{new string('━', filled)}[/][grey]{new string('─', barWidth - filled)}[/] {fraction * 100,5:0.0}%  {progress.Finished}/{progress.Total} conversations  ETA {eta}")),
            new Markup(TerminalText.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"{progress.Messages:N0} messages · {Rate(progress):0.0} msg/s · {progress.Tokens:N0} tokens · {Money(progress.Cost)} · elapsed {Duration(progress.Elapsed)}"))),
        };

        var reasons = progress.StopReasons;
        if (reasons.Count > 0)
        {
            rows.Add(new Markup("[grey]stopped:[/] " + TerminalText.Escape(string.Join(" · ", reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value}"))))));
        }

        var running = progress.Running;
        var room = Math.Max(3, _console.Profile.Height - rows.Count - 3);
        foreach (var live in running.Take(room))
        {
            var head = string.Create(CultureInfo.InvariantCulture, $"#{live.Id} {live.Pair} · {live.CurrentIndex}/{live.MaxMessages} ");
            var words = live.LastWords(Math.Max(10, width - head.Length - 1));
            rows.Add(new Markup($"[grey]{TerminalText.Escape(head)}[/]{TerminalText.Escape(words)}"));
        }

        if (progress.Elsewhere > 0)
        {
            rows.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"[grey]waiting for {progress.Elsewhere} conversation(s) running in another process[/]")));
        }

        if (running.Count > room)
        {
            rows.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"[grey]… and {running.Count - room} more running[/]")));
        }

        rows.Add(new Markup("[grey]Ctrl+C stops and keeps every completed message; 'crosstalk resume' continues.[/]"));
        return new Rows(rows);
    }

    private static double Rate(BatchProgress progress)
    {
        var seconds = progress.Elapsed.TotalSeconds;
        return seconds <= 0 ? 0 : progress.MessagesThisSession / seconds;
    }

    private static string Money(decimal cost) => cost.ToString("$0.0000", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => TranscriptView.Duration(span);
}
