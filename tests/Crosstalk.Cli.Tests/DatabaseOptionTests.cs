namespace Crosstalk.Cli.Tests;

public sealed class DatabaseOptionTests
{
    [Theory]
    [InlineData("list")]
    [InlineData("run", "--quiet")]
    public async Task Db_InAFolderThatCannotBeCreated_FailsWithOneLineNamingTheOption(params string[] command)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, [.. command, "--db", "/proc/nope/x.db"]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Could not open the SQLite database /proc/nope/x.db: its folder /proc/nope cannot be created", line, StringComparison.Ordinal);
        Assert.EndsWith("(--db).", line.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list", "--unfinshed")]
    [InlineData("delete", "--bogus", "--yes")]
    [InlineData("resume", "--bogus")]
    [InlineData("study report", "--bogus")]
    [InlineData("fork", "--bogus", "--at", "2")]
    [InlineData("sweep", "--bogus", "--at", "2")]
    public async Task MistypedOption_WhereARunIdGoes_IsAnUnknownOption_NotAMissingRun(string command, params string[] rest)
    {
        // It was taken for the run id: "There is no run '--unfinshed' …", exit 1; where a conversation id goes, the error
        // named a .NET type; and a subcommand's help was named without its parent ('crosstalk report --help').
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, [.. command.Split(' '), .. rest, "--db", Path.Combine(dir, "s.db")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Unknown option '{rest[0]}'; 'crosstalk {command} --help' lists the options.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"See 'crosstalk {command} --help'.", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.StandardError, StringComparison.Ordinal);
    }
}
