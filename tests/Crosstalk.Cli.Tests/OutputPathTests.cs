using Crosstalk.Testing;

namespace Crosstalk.Cli.Tests;

/// <summary>An output option naming the wrong kind of path fails at once, in one line naming the option, never as a bug.</summary>
public sealed class OutputPathTests
{
    [Theory]
    [InlineData("--html", "is a folder", "analyze", "{seed}", "--html", "{dir}")]
    [InlineData("--csv", "is a file", "analyze", "{seed}", "--csv", "{file}")]
    [InlineData("--output", "is a file", "run", "--max-messages", "2", "--quiet", "--no-store", "-o", "{file}")]
    [InlineData("--output", "is a folder", "convert", "{seed}", "--to", "json", "-o", "{dir}")]
    [InlineData("--output", "cannot be written inside it", "convert", "{seed}", "--to", "json", "-o", "{file}/x.json")]
    public async Task OutputPathOfTheWrongKind_FailsInOneLineNamingTheOption(string option, string reason, params string[] args)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var file = Path.Combine(dir, "taken.txt");
        await File.WriteAllTextAsync(file, "not a folder");
        Directory.CreateDirectory(Path.Combine(dir, "folder"));
        var resolved = args.Select(a => a.Replace("{seed}", SharedFiles.Seed000, StringComparison.Ordinal)
            .Replace("{dir}", Path.Combine(dir, "folder"), StringComparison.Ordinal)
            .Replace("{file}", file, StringComparison.Ordinal)).ToArray();

        var result = await CrosstalkProcess.RunAsync(dir, resolved);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.StandardError}");
        var error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option}: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Equal("not a folder", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Convert_ToAPathThatCannotBeWritten_IsAUserErrorNamingThatPathNotATemporaryFile()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var target = Path.Combine("/proc", "crosstalk-cannot-write-here.json");

        var result = await CrosstalkProcess.RunAsync(dir, "convert", SharedFiles.Seed000, "--to", "json", "-o", target);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.StandardError}");
        Assert.Contains(target, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("bug", result.StandardError, StringComparison.Ordinal);
    }
}
