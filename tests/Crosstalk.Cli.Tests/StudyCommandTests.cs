using System.Text.Json;
using System.Text.RegularExpressions;
using Crosstalk.Testing;

namespace Crosstalk.Cli.Tests;

public sealed partial class StudyCommandTests
{
    [Fact]
    public async Task StudyRunAttractors_Offline_PrintsTheTablesWithIntervals_AndWritesJsonAndHtml()
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var result = await CrosstalkProcess.RunAsync(dir, "study", "run", "attractors", "--db", "s.db", "--quiet", "-o", "reports");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var output = result.StandardOutput;
        foreach (var heading in new[] { "Who ends first, per ordered pair", "After the first end", "Per model", "Order effect", "Agreement across repetitions", "By order", "By repetition" })
        {
            Assert.Contains(heading, output, StringComparison.Ordinal);
        }

        Assert.Contains("offline:eliza →", output, StringComparison.Ordinal);
        Assert.Matches(ShareWithInterval(), output);
        var run = Regex.Match(output, @"run (r-[0-9a-z-]+)").Groups[1].Value;

        // The JSON holds every table; every share lies within its interval, and the interval within [0, 1].
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "reports", run + ".json")));
        var tables = json.RootElement.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(["pairs", "after", "models", "order", "repetitions", "by-order", "by-repetition"], tables.Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(10, json.RootElement.GetProperty("conversations").GetInt32());
        Assert.Equal("offline:eliza → offline:markov", tables[0].GetProperty("rows")[0][0].GetProperty("text").GetString());
        var shares = tables.SelectMany(t => t.GetProperty("rows").EnumerateArray()).SelectMany(r => r.EnumerateArray())
            .Where(c => c.TryGetProperty("low", out _) && c.GetProperty("text").GetString()!.Contains('%', StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(shares);
        Assert.All(shares, c => Assert.InRange(c.GetProperty("value").GetDouble(), c.GetProperty("low").GetDouble(), c.GetProperty("high").GetDouble()));
        Assert.All(shares, c => Assert.InRange(c.GetProperty("high").GetDouble(), 0, 1));

        // The HTML: self-contained, the charts with their intervals.
        var html = File.ReadAllText(Path.Combine(dir, "reports", run + ".html"));
        Assert.Contains("id=\"chart-pairs\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"whisker\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        // Reported again from the store, as JSON: the same tables.
        var again = await CrosstalkProcess.RunAsync(dir, "study", "report", run, "--db", "s.db", "--json", "-o", "reports");
        Assert.True(again.ExitCode == 0, again.StandardError);
        using var reported = JsonDocument.Parse(again.StandardOutput);
        Assert.Equal(json.RootElement.GetProperty("tables").GetRawText(), reported.RootElement.GetProperty("tables").GetRawText());
    }

    [Fact]
    public async Task StudyRunTopicsAndEndings_OfflineJudge_PassesTheControls_AndMeasuresHandLabels()
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var result = await CrosstalkProcess.RunAsync(dir, "study", "run", "topics-and-endings", "--db", "s.db", "--quiet", "--cache", "cache", "--repetitions", "2");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Contains("Judge offline:judge: 5 of 5 controls right.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Topic per model", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Ending per model", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("judged 8 of 8 conversations", result.StandardError, StringComparison.Ordinal);
        var run = Regex.Match(result.StandardOutput, @"run (r-[0-9a-z-]+)").Groups[1].Value;

        // Hand labels for the first four conversations, against a panel of two judges (the same rules twice: kappa 1).
        await File.WriteAllTextAsync(Path.Combine(dir, "labels.csv"), "conversation,topic,ending\n1,philosophy,no ending\n2,philosophy,no ending\n3,small talk,clean end\n4,small talk,\n");
        var report = await CrosstalkProcess.RunAsync(dir, "study", "report", run, "--db", "s.db", "--json", "--cache", "cache", "--judge", "offline:judge", "--judge", "offline:judge", "--hand-labels", "labels.csv");

        Assert.True(report.ExitCode == 0, report.StandardError);
        using var json = JsonDocument.Parse(report.StandardOutput);
        var tables = json.RootElement.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        var agreement = tables["agreement"].GetProperty("rows")[0];
        Assert.Equal("Cohen's κ", agreement[2].GetProperty("text").GetString());
        Assert.Equal(1.0, agreement[3].GetProperty("value").GetDouble());
        var hand = tables["hand-labels"].GetProperty("rows");
        Assert.Equal("topic", hand[0][0].GetProperty("text").GetString());
        Assert.Equal(4, hand[0][1].GetProperty("value").GetInt32());
        Assert.Equal(3, hand[1][1].GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task StudyListAndShow_TeachTheBuiltInStudies_AndAnUnknownOneIsOneLine()
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var list = await CrosstalkProcess.RunAsync(dir, "study", "list");
        var show = await CrosstalkProcess.RunAsync(dir, "study", "show", "self-interaction");
        var unknown = await CrosstalkProcess.RunAsync(dir, "study", "run", "bliss");

        Assert.Contains("topics-and-endings", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("study: self-interaction", show.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("words: [consciousness", show.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: There is no built-in study 'bliss' and no such file; built in: attractors, self-interaction, topics-and-endings", unknown.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StudyRun_OwnFileWithAnotherModelList_RunsThoseModels()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "mine.yaml"), "study: mine\nmeasure: words\nwords: [the, you]\nmodels: [offline:markov]\npairs: self\nstop: { max_messages: 6 }\nrepetitions: 2\n");

        var result = await CrosstalkProcess.RunAsync(dir, "study", "run", "mine.yaml", "--models", "offline:eliza", "--repetitions", "3", "--db", "s.db", "--quiet", "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(3, json.RootElement.GetProperty("conversations").GetInt32());
        var words = json.RootElement.GetProperty("tables")[0].GetProperty("rows");
        Assert.Equal("offline:eliza", words[0][0].GetProperty("text").GetString());
        Assert.Equal("the", words[0][1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Sweep_ReplayedConversation_RecursAlways_SwappedSeatEscapes()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--a", $"replay:{SharedFiles.Seed001}#1", "--b", $"replay:{SharedFiles.Seed001}#2", "--db", "s.db", "--quiet");
        Assert.True(run.ExitCode == 0, run.StandardError);

        var same = await CrosstalkProcess.RunAsync(dir, "sweep", "1", "--at", "2", "--repeat", "3", "--db", "s.db");
        var swapped = await CrosstalkProcess.RunAsync(dir, "sweep", "1", "--at", "2", "--repeat", "3", "--swap", "a=offline:eliza", "--db", "s.db");
        var bad = await CrosstalkProcess.RunAsync(dir, "sweep", "1", "--at", "2", "--swap", "c:offline:eliza", "--db", "s.db");

        Assert.True(same.ExitCode == 0, same.StandardError);
        Assert.Matches(@"Ending\s+│ end-token, seat 1 ended first\s+│\s+100% \(44–100%\) 3/3", same.StandardOutput);
        Assert.Matches(@"Ending\s+│ end-token, seat 1 ended first\s+│\s+0% \(0–56%\) 0/3", swapped.StandardOutput);
        Assert.Contains("seat 1 played by offline:eliza", swapped.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("error: --swap 'c:offline:eliza': write SEAT=MODEL", bad.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_EveryContinuationFails_SaysSoAndExitsOne()
    {
        // Seat 2 replays seed 000, which runs out of replies long before the cap: the conversation and every continuation
        // stop on an error, which the table showed as a 100 % "ending" with exit 0.
        var dir = CrosstalkProcess.NewTempDirectory();
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--b", $"replay:{SharedFiles.Seed000}#2", "--max-messages", "40", "--end-policy", "off", "--seed", "1", "--db", "s.db", "--quiet");
        Assert.Contains("error", run.StandardOutput + run.StandardError, StringComparison.OrdinalIgnoreCase);

        var sweep = await CrosstalkProcess.RunAsync(dir, "sweep", "1", "--at", "2", "--repeat", "2", "--db", "s.db");

        Assert.Equal(1, sweep.ExitCode);
        Assert.Contains("warning: every one of the 2 continuations stopped on an error, so the table counts failures, not endings", sweep.StandardError, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\d+% \(\d+–\d+%\) \d+/\d+")]
    private static partial Regex ShareWithInterval();
}
