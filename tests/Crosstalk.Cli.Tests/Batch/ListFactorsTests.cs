using System.Text.RegularExpressions;

namespace Crosstalk.Cli.Tests.Batch;

/// <summary><c>list RUN</c> shows each conversation's place in the experiment: its opener, system prompt and repetition.</summary>
public sealed class ListFactorsTests
{
    [Fact]
    public async Task ListRun_ShowsOpenerPromptAndRepetition_WithEachPromptOnce()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "f.yaml"), """
            name: factors
            models: [offline:eliza, offline:markov]
            orders: one
            openers: [" ", "Hello there.", none]
            system_prompts: ["You are {self}. Talk to {other}.", "Be brief, {self}."]
            repetitions: 2
            stop: { max_messages: 4 }
            """);
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "f.yaml", "--db", "s.db", "--quiet");
        Assert.True(batch.ExitCode == 0, batch.StandardError);
        var runId = Regex.Match(batch.StandardOutput, @"r-[0-9a-z-]+").Value;

        var list = await CrosstalkProcess.RunAsync(dir, "list", runId, "--db", "s.db");

        Assert.Equal(0, list.ExitCode);
        var rows = list.StandardOutput.Split('\n').Where(l => Regex.IsMatch(l, @"^│\s+\d+ │")).ToList();
        Assert.Equal(12, rows.Count);
        Assert.Equal(4, rows.Count(r => r.Contains("│ blank ", StringComparison.Ordinal)));
        Assert.Equal(4, rows.Count(r => r.Contains("│ Hello there. ", StringComparison.Ordinal)));
        Assert.Equal(4, rows.Count(r => r.Contains("│ none ", StringComparison.Ordinal)));
        Assert.Equal(6, rows.Count(r => Regex.IsMatch(r, @"│\s+2 │\s+[12] │")));
        Assert.Contains("Prompt 1: You are {self}. Talk to {other}.", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Prompt 2: Be brief, {self}.", list.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("│ Cost", list.StandardOutput, StringComparison.Ordinal);
    }
}
