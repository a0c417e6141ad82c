namespace Crosstalk.Cli.Tests;

public sealed class HelpTests
{
    /// <summary>Every command and subcommand, each once: the help of all of them is tested alike.</summary>
    public static TheoryData<string[]> Commands => new(
        [], ["run"], ["show"], ["convert"], ["serve"], ["models"], ["analyze"], ["batch"], ["resume"], ["list"], ["export"], ["import"],
        ["fork"], ["delete"], ["judge"], ["cluster"], ["cluster", "silo"], ["cluster", "status"], ["study"], ["study", "list"], ["study", "show"],
        ["study", "run"], ["study", "report"], ["sweep"]);

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_ExplainsWithAnExample(params string[] command)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, [.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("crosstalk ", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_ReadInAFileOrPipe_FitsEightyColumnsWithParagraphsKept(params string[] command)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, [.. command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.StandardOutput.ReplaceLineEndings("\n").Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 80, $"{line.TrimEnd().Length} characters: {line}"));
        // A paragraph fills its lines: the first line of the description is not cut short where the source broke it.
        var description = lines.SkipWhile(l => l != "Description:").Skip(1).First();
        Assert.True(description.Length > 60, description);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageErrorWithAHint()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "talk");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("crosstalk --help", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--token-budget", "run", "--token-budget", "0")]
    [InlineData("--cost-budget", "run", "--cost-budget", "-1")]
    [InlineData("--max-messages", "run", "--max-messages", "0")]
    [InlineData("--time-limit", "run", "--time-limit", "soon")]
    [InlineData("--token-delay", "run", "--token-delay", "-5")]
    [InlineData("--limit", "list", "--limit", "-1")]
    [InlineData("--port", "serve", "--port", "99999")]
    [InlineData("--concurrency", "batch", "exp.yaml", "--concurrency", "0")]
    [InlineData("--max-messages", "run", "--max-messages", "abc")]
    [InlineData("--token-budget", "run", "--token-budget", "1e3")]
    [InlineData("--cost-budget", "run", "--cost-budget", "lots")]
    [InlineData("--limit", "list", "--limit", "x")]
    [InlineData("--port", "serve", "--port", "x")]
    [InlineData("--concurrency", "resume", "-j", "x")]
    [InlineData("--at", "fork", "1", "--at", "x")]
    [InlineData("--stop-on", "run", "--stop-on", "foo")]
    [InlineData("--end-token", "run", "--end-token", " ")]
    [InlineData("--system", "run", "--system", "You are {slef}.")]
    [InlineData("--system-b", "run", "--system-b", "{nope}")]
    [InlineData("--rubric", "judge", "x.md", "--rubric", "nope", "--model", "offline:eliza")]
    [InlineData("--progress-interval", "batch", "exp.yaml", "--progress-interval", "NaN")]
    [InlineData("--progress-interval", "resume", "--progress-interval", "1e300")]
    [InlineData("--seed", "run", "--seed", "\u001b[31mX\u0007")]
    [InlineData("--db", "list", "--db", "")]
    [InlineData("--repeat", "sweep", "1", "--at", "1", "-n", "2147483647")]
    public async Task OptionValueOutOfRange_IsAUsageErrorInOneLineNamingTheOption(string option, params string[] args)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, args);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StandardError}");
        var error = Assert.Single(result.StandardError.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.StandardError);
    }

    [Fact]
    public async Task OptionValueOf100KB_IsNotEchoedWhole()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "list", "--limit", new string('9', 100_000));

        Assert.Equal(2, result.ExitCode);
        Assert.True(result.StandardError.Length < 2_000, $"{result.StandardError.Length} characters of error");
    }

    [Fact]
    public async Task Run_TimeLimitWrittenAsInExperimentFiles_IsAccepted()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "run", "--time-limit", "90s", "--max-messages", "3", "--end-policy", "off", "--quiet", "--no-store");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("max-messages", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_UnknownKeyWithAnEscapeSequence_IsWarnedAboutAsText()
    {
        // YAML's double-quoted strings can hold \e and \a: a warning that quotes the key must show them, not send them.
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\nstop: { max_messages: 2 }\n\"\\e]0;pwned\\a\": 1\n");

        var result = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", "store.db", "--quiet");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("unknown key '\u241b]0;pwned\u2407'", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.StandardError);
    }

    [Theory]
    [InlineData("Unknown offline agent 'offline:nope'", "run", "--a", "offline:nope", "--no-store")]
    [InlineData("Must be one of: 'any', 'mutual', 'off'", "run", "--end-policy", "maybe")]
    [InlineData("is a folder; give an experiment file", "batch", "folder")]
    [InlineData("not valid JSON (", "batch", "cut.json")]
    [InlineData("unknown key 'modelz'", "models", "--models", "catalog.yaml")]
    [InlineData("the value at $.messages is not valid", "show", "wrong.json")]
    [InlineData("Must be one of: ", "export", "store", "--to", "json", "-o", "out", "--stop-reason", "endtoken", "--db", "store.db")]
    [InlineData("holds exactly two models, and this transcript has 3 participants", "convert", "three.json", "--to", "original-json")]
    public async Task BadInput_OneLineInTheUsersTermsWithoutDotNetInternals(string expected, params string[] args)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "folder"));
        await File.WriteAllTextAsync(Path.Combine(dir, "cut.json"), "{\"models\": [");
        await File.WriteAllTextAsync(Path.Combine(dir, "catalog.yaml"), "modelz: []\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "wrong.json"), "{\"messages\": 3}");
        await File.WriteAllTextAsync(Path.Combine(dir, "three.json"), "{\"participants\": [{\"seat\": 1, \"name\": \"A\"}, {\"seat\": 2, \"name\": \"B\"}, {\"seat\": 3, \"name\": \"C\"}], \"messages\": [{\"seat\": 1, \"content\": \"hi\"}]}");

        var result = await CrosstalkProcess.RunAsync(dir, args);

        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual(70, result.ExitCode);
        var error = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Crosstalk.", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\t', result.StandardError);
    }

    [Theory]
    [InlineData("run", "--a", "offline:\u001b[31mred\nsecond line", "--no-store")]
    [InlineData("show", "no\u001b[2Jsuch\u0007file.md")]
    public async Task BadInputWithControlCharacters_IsStillOneLine_AndNeverSendsThemToTheTerminal(params string[] args)
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var result = await CrosstalkProcess.RunAsync(dir, args);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error:", line, StringComparison.Ordinal);
        Assert.Contains("\u241b[", line, StringComparison.Ordinal);
        Assert.DoesNotContain(result.StandardError, c => c is '\u001b' or '\u0007');
    }
}
