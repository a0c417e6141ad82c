namespace Crosstalk.Cli.Tests;

/// <summary>What a new user typing a cluster command wrongly is told, without any cluster running.</summary>
public sealed class ClusterCommandTests
{
    [Theory]
    [InlineData("is a SQLite file", "cluster", "silo", "--db", "x.db")]
    [InlineData("--advertise takes an IP address (such as 10.0.0.12), not 'nope'.", "cluster", "silo", "--db", "postgres://a@127.0.0.1:1/x", "--advertise", "nope")]
    public async Task Silo_BadInput_SaysWhatIsWrongAndTheHelpToRead(string expected, params string[] args)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, args);

        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.Equal("See 'crosstalk cluster silo --help'.", lines[1].TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "x.db")), "A refused silo created a database.");
    }
}
