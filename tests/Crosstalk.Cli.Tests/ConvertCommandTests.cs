using Crosstalk.Testing;

namespace Crosstalk.Cli.Tests;

public sealed class ConvertCommandTests
{
    [Theory]
    [InlineData("000_9b49a01de80e6c50.txt")]
    [InlineData("001_56cfc8f72ca96c78.txt")]
    public async Task Convert_SeedToJsonAndBack_GivesTheSeedByteForByte(string seed)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var source = Path.Combine(SharedFiles.Seeds, seed);
        var json = Path.Combine(dir, "t.json");

        var toJson = await CrosstalkProcess.RunAsync(dir, "convert", source, "--to", "json", "-o", json);
        Assert.Equal(0, toJson.ExitCode);
        Assert.Contains("\"messages\"", File.ReadAllText(json), StringComparison.Ordinal);

        var back = await CrosstalkProcess.RunAsync(dir, "convert", json, "--to", "markdown");
        Assert.Equal(0, back.ExitCode);
        Assert.Equal(File.ReadAllText(source), back.StandardOutput);
        Assert.Equal(string.Empty, back.StandardError); // nothing the seed holds is lost on the way back

        // JSON to JSON is the same file, final line break included (as `run` and `export` write it).
        var again = await CrosstalkProcess.RunAsync(dir, "convert", json, "--to", "json");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(File.ReadAllText(json), again.StandardOutput);
    }

    [Fact]
    public async Task Convert_OriginalJson_GivesTheSeedMarkdown()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "convert", SharedFiles.Seed001OriginalJson, "--to", "markdown");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllText(SharedFiles.Seed001), result.StandardOutput);
    }

    [Fact]
    public async Task Convert_RunToMarkdown_SaysWhatTheMarkdownDoesNotHold()
    {
        // A run's JSON holds models, the stop and metadata: Markdown keeps names and text, and says what it drops.
        var dir = CrosstalkProcess.NewTempDirectory();
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--max-messages", "4", "--seed", "3", "--no-store", "-o", dir, "--quiet");
        Assert.Equal(0, run.ExitCode);
        var json = Directory.GetFiles(dir, "*.json").Single();

        var result = await CrosstalkProcess.RunAsync(dir, "convert", json, "--to", "markdown");

        Assert.Equal(0, result.ExitCode);
        var warning = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: seed Markdown holds names, times and messages only; not written: the models", warning, StringComparison.Ordinal);
        Assert.Contains("the stop (max-messages)", warning, StringComparison.Ordinal);
        Assert.EndsWith("(--to json keeps them)", warning, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Directory.GetFiles(dir, "*.md").Single()), result.StandardOutput);
    }

    [Fact]
    public async Task Convert_SecondSeatOpeningToOriginalJson_SaysTheSeatsAreRenumbered()
    {
        // The original format's model_a is the model that opens: read back, it is seat 1.
        var dir = CrosstalkProcess.NewTempDirectory();
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--first", "b", "--max-messages", "4", "--seed", "3", "--no-store", "-o", dir, "--quiet");
        Assert.Equal(0, run.ExitCode);

        var result = await CrosstalkProcess.RunAsync(dir, "convert", Directory.GetFiles(dir, "*.json").Single(), "--to", "original-json");

        Assert.Equal(0, result.ExitCode);
        var warning = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: the original system's JSON holds names, times and messages only; not written: the seat numbers (seat 2 speaks first", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_OriginalJsonToJsonAndBack_IsTheSameFileWithoutAWarning()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var json = Path.Combine(dir, "t.json");
        Assert.Equal(0, (await CrosstalkProcess.RunAsync(dir, "convert", SharedFiles.Seed001OriginalJson, "--to", "json", "-o", json)).ExitCode);

        var back = await CrosstalkProcess.RunAsync(dir, "convert", json, "--to", "original-json");

        Assert.Equal(0, back.ExitCode);
        Assert.Equal(File.ReadAllText(SharedFiles.Seed001OriginalJson), back.StandardOutput);
        Assert.Equal(string.Empty, back.StandardError);
    }

    [Fact]
    public async Task Convert_MissingFile_FailsWithOneLineNamingTheFile()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "convert", "nowhere.md", "--to", "json");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("nowhere.md", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_NotATranscript_FailsNamingFileAndLine()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var path = Path.Combine(dir, "notes.md");
        File.WriteAllText(path, "# Shopping ↔ List\n\nmilk\neggs\n");

        var result = await CrosstalkProcess.RunAsync(dir, "convert", path, "--to", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"notes\.md:\d+: ", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Convert_UnknownFormat_IsAUsageError()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "convert", SharedFiles.Seed000, "--to", "yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to", result.StandardError, StringComparison.Ordinal);
    }
}
