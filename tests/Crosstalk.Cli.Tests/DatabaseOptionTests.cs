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
}
