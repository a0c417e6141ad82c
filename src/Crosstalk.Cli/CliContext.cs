using Spectre.Console;

namespace Crosstalk.Cli;

/// <summary>
/// Everything a command touches outside itself, injected so the whole CLI runs in tests:
/// the human-facing console, the raw output stream for data (exact bytes), the clock and the environment.
/// </summary>
internal sealed class CliContext
{
    public CliContext(IAnsiConsole console, TextWriter output, TextWriter error, TimeProvider timeProvider, Func<string, string?> environment, string workingDirectory)
    {
        Console = console;
        Output = output;
        Error = error;
        TimeProvider = timeProvider;
        Environment = environment;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>Human-facing output: tables, colours, live text.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Data written to standard output byte for byte (converted transcripts, JSON).</summary>
    public TextWriter Output { get; }

    /// <summary>Where one-line errors go.</summary>
    public TextWriter Error { get; }

    public TimeProvider TimeProvider { get; }

    public Func<string, string?> Environment { get; }

    public string WorkingDirectory { get; }

    /// <summary>
    /// This context with its human-facing console on standard error, plain: for a command whose standard output is data
    /// (<c>--json</c>) but which also shows progress.
    /// </summary>
    public CliContext WithConsoleOnError()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Error),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Console.Profile.Width;
        return new CliContext(console, Output, Error, TimeProvider, Environment, WorkingDirectory);
    }

    /// <summary>Resolves a path the user typed against the working directory.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    public static CliContext FromProcess()
    {
        var stdout = new StreamWriter(System.Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
        var stderr = new StreamWriter(System.Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            // Piped or captured output has no window to fit: honour COLUMNS, else use a width tables read well at.
            console.Profile.Width = int.TryParse(System.Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 20 ? columns : 120;
        }

        return new CliContext(console, stdout, stderr, TimeProvider.System, System.Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());
    }

    /// <summary>
    /// Progress on long work, for a callback given the count done so far: a line on standard error every 1,000
    /// conversations ("analysed 2,000 conversations…"), so standard output stays the command's result.
    /// </summary>
    public Action<int> EveryThousand(string done) => count =>
    {
        if (count % 1000 == 0)
        {
            Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{done} {count:N0} conversations…"));
        }
    };

    /// <summary>Prints what a reader had to decide about <paramref name="transcript"/> (its read warnings), a line each.</summary>
    public void WarnAbout(Crosstalk.Transcripts.Transcript transcript)
    {
        foreach (var warning in transcript.ReadWarnings)
        {
            Say("warning", warning);
        }
    }

    /// <summary>
    /// Prints "<paramref name="label"/>: <paramref name="text"/>" on stderr as one line, whatever the text quotes (a file's
    /// name, a key from a YAML file, a cell of a dataset): an escape sequence or a line break in it is shown, not acted on.
    /// </summary>
    public void Say(string label, string text) => Error.WriteLine($"{label}: {Crosstalk.Transcripts.ErrorText.OneLine(text)}");
}
