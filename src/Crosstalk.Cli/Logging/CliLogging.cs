using System.CommandLine;
using System.Globalization;
using Crosstalk.Models.Providers;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Cli.Logging;

/// <summary>
/// <c>-v/--verbose</c> and <c>CROSSTALK_LOG</c>: what the model layer does (each attempt, retries with their wait, the
/// circuit breaker opening and closing, waits for a rate limit) as log lines on standard error, every one through
/// <see cref="SecretRedactor"/>. Off by default: the terminal's own progress already shows failed attempts.
/// </summary>
internal static class CliLogging
{
    public const string Variable = "CROSSTALK_LOG";

    public static Option<bool> CreateOption() => new("--verbose", "-v")
    {
        Description = $"Log what the model layer does to stderr: attempts, retries and their waits, circuit breaker and rate-limit waits. {Variable}=trace|debug|information|warning sets the level instead (-v is debug). Message text is never logged.",
    };

    /// <summary>The level asked for, or null for no logs.</summary>
    /// <exception cref="UserException"><c>CROSSTALK_LOG</c> names no level.</exception>
    public static LogLevel? Level(bool verbose, Func<string, string?> environment)
    {
        if (environment(Variable) is { Length: > 0 } text)
        {
            return text.Trim().ToUpperInvariant() switch
            {
                "TRACE" => LogLevel.Trace,
                "DEBUG" => LogLevel.Debug,
                "INFO" or "INFORMATION" => LogLevel.Information,
                "WARN" or "WARNING" => LogLevel.Warning,
                "ERROR" => LogLevel.Error,
                "OFF" or "NONE" => null,
                _ => throw new UserException($"{Variable}='{text}' is not a log level; use trace, debug, information, warning, error or off."),
            };
        }

        return verbose ? LogLevel.Debug : null;
    }

    /// <summary>Loggers that write to <paramref name="error"/> at <paramref name="level"/> and above, or none when it is null.</summary>
    public static ILoggerFactory? Create(LogLevel? level, TextWriter error) => level is { } minimum
        ? LoggerFactory.Create(b => b.SetMinimumLevel(minimum).AddProvider(new RedactingLoggerProvider(error)))
        : null;
}

/// <summary>
/// One line per log entry on a text writer (standard error), redacted: the console logger cannot be given a writer or a
/// last look at its text, and these lines leave the process.
/// </summary>
internal sealed class RedactingLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private sealed class Logger(RedactingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (exception is not null)
            {
                text += $" ({exception.GetType().Name}: {exception.Message})";
            }

            var level = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };
            owner.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"{DateTime.UtcNow:HH:mm:ss.fff} {level} {category}: {Rendering.TerminalText.Clean(SecretRedactor.Redact(text).ReplaceLineEndings(" "))}"));
        }
    }
}
