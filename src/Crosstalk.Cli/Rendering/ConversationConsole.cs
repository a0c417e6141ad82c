using System.Globalization;
using Crosstalk.Analysis;
using Crosstalk.Conversations;
using Crosstalk.Engine.Execution;
using Spectre.Console;

namespace Crosstalk.Cli.Rendering;

/// <summary>
/// Streams one conversation into the terminal as the engine runs it: a heading per message, the text as it arrives, a
/// line after each message with its time and the tokens so far, and warnings (end tokens, refusals, retries).
/// </summary>
internal sealed class ConversationConsole : RunObserver
{
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;
    private readonly bool _quiet;
    private readonly LiveIndicators _indicators;
    private readonly long _start;
    private long _tokens;
    private int _shownIndex;

    public ConversationConsole(IAnsiConsole console, TimeProvider time, bool quiet, int seats, string endToken, bool hasOpener)
    {
        _console = console;
        _time = time;
        _quiet = quiet;
        _indicators = new LiveIndicators(seats, endToken, hasOpener);
        _start = time.GetTimestamp();
    }

    public override void Warning(long conversationId, string message) =>
        _console.MarkupLine(CultureInfo.InvariantCulture, "[yellow]warning: {0}[/]", TerminalText.Escape(message));

    public override void ConversationEvent(long conversationId, ConversationEvent conversationEvent)
    {
        if (_quiet)
        {
            return;
        }

        switch (conversationEvent)
        {
            case MessageStarted started:
                _console.WriteLine();
                _console.Write(TranscriptView.MessageHeading(started.Index, started.Seat, started.Speaker));
                break;
            case TextDelta delta:
                _console.Write(new Text(TerminalText.Clean(delta.Text)));
                _shownIndex = delta.Index;
                break;
            case MessageRestarted:
                _console.WriteLine();
                _console.MarkupLine("[yellow]… the reply was cut off; what was shown of it is discarded[/]");
                break;
            case AttemptFailed failed:
                _console.MarkupLine(CultureInfo.InvariantCulture, "[yellow]… attempt {0} failed ({1}); asking again[/]", failed.Attempt.Number, TerminalText.Escape(failed.Attempt.Error));
                break;
            case MessageCompleted completed:
                _tokens += completed.Message.Usage?.TotalTokens ?? 0;
                if (_shownIndex != completed.Index)
                {
                    // Nothing streamed (the opener, or a client that answers in one piece): show it whole.
                    _console.Write(MarkdownText.Render(completed.Message.Content));
                }

                _console.WriteLine();
                _console.MarkupLine(CultureInfo.InvariantCulture, "[grey]message {0} · {1} · {2:N0} tokens so far[/]", completed.Index, TranscriptView.Duration(_time.GetElapsedTime(_start)), _tokens);
                foreach (var indicator in _indicators.Observe(completed.Message))
                {
                    _console.MarkupLine($"[yellow]⚠ {TerminalText.Escape(indicator)}[/]");
                }

                break;
        }
    }
}
