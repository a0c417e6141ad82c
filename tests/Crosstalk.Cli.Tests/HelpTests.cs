namespace Crosstalk.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData]
    [InlineData("run")]
    [InlineData("show")]
    [InlineData("convert")]
    [InlineData("serve")]
    [InlineData("models")]
    [InlineData("analyze")]
    [InlineData("batch")]
    [InlineData("resume")]
    [InlineData("list")]
    [InlineData("export")]
    [InlineData("import")]
    [InlineData("fork")]
    [InlineData("judge")]
    public async Task Help_EveryCommand_ExplainsWithAnExample(params string[] command)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, [.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("crosstalk ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageErrorWithAHint()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "talk");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("crosstalk --help", result.StandardError, StringComparison.Ordinal);
    }
}
