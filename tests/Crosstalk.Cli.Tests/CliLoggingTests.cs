using Crosstalk.Cli.Logging;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Cli.Tests;

public sealed class CliLoggingTests
{
    [Theory]
    [InlineData(false, null, null)]
    [InlineData(true, null, LogLevel.Debug)]
    [InlineData(false, "trace", LogLevel.Trace)]
    [InlineData(true, "Warning", LogLevel.Warning)]
    [InlineData(true, "off", null)]
    public void Level_VerboseAndEnvironment_EnvironmentWinsAndVerboseIsDebug(bool verbose, string? variable, LogLevel? expected)
    {
        Assert.Equal(expected, CliLogging.Level(verbose, name => name == CliLogging.Variable ? variable : null));
    }

    [Fact]
    public void Level_UnknownLevel_OneSentenceNamingTheVariableAndTheLevels()
    {
        var error = Assert.Throws<UserException>(() => CliLogging.Level(false, _ => "loud"));

        Assert.Equal("CROSSTALK_LOG='loud' is not a log level; use trace, debug, information, warning, error or off.", error.Message);
    }

    [Fact]
    public void Create_LineWithAKeyLikeValue_WrittenOnceRedactedWithLevelAndCategory()
    {
        var error = new StringWriter();
        using (var loggers = CliLogging.Create(LogLevel.Debug, error)!)
        {
            var logger = loggers.CreateLogger("Crosstalk.Models");
            logger.LogTrace("not at debug");
            logger.LogWarning("4o: attempt 1 failed: Incorrect API key provided: sk-live-0123456789abcdefghij; asking again in {Wait}", TimeSpan.FromSeconds(1));
        }

        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} warn Crosstalk\.Models: 4o: attempt 1 failed: Incorrect API key provided: \[redacted\]; asking again in 00:00:01$", line);
    }

    [Fact]
    public void Create_ProviderErrorWithEscapeSequence_IsLoggedAsText()
    {
        // A provider (or a proxy before it) chooses its error message: an escape sequence in it must not act on the terminal.
        var error = new StringWriter();
        using (var loggers = CliLogging.Create(LogLevel.Debug, error)!)
        {
            loggers.CreateLogger("Crosstalk.Models").LogWarning("4o: attempt 1 failed: {Error}", "bad gateway \u001b]0;pwned\u0007 \u202eevil");
        }

        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("4o: attempt 1 failed: bad gateway \u241b]0;pwned\u2407 \ufffdevil", line, StringComparison.Ordinal);
    }
}
