using System.Text.Json;
using Crosstalk.Testing;

namespace Crosstalk.Cli.Tests;

public sealed class AnalyzeCommandTests
{
    [Fact]
    public async Task Analyze_Seed001Json_ReportsEndSignalsLoopRefusalsAndDuplicates()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "analyze", SharedFiles.Seed001, "--json");

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(97, root.GetProperty("messages").GetInt32());
        Assert.Equal(3, root.GetProperty("endToken").GetProperty("first").GetInt32());
        Assert.Equal(1, root.GetProperty("endToken").GetProperty("firstSeat").GetInt32());
        Assert.Equal(24, root.GetProperty("endToken").GetProperty("mutual").GetInt32());
        Assert.Equal(24, root.GetProperty("goodbyeLoop").GetProperty("start").GetInt32());
        Assert.Contains(2, root.GetProperty("refusals").EnumerateArray().Select(e => e.GetInt32()));
        var pairs = root.GetProperty("nearDuplicates").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToList();
        Assert.Contains((9, 11), pairs);
        Assert.Contains((80, 94), pairs);
        Assert.Equal(2, root.GetProperty("seats").GetArrayLength());
    }

    [Fact]
    public async Task Analyze_JsonWithHtmlAndCsv_KeepsStandardOutputValidJson()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "analyze", SharedFiles.Seed001, "--json", "--html", "r.html", "--csv", "tables");

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(97, json.RootElement.GetProperty("messages").GetInt32());
        Assert.Contains("Wrote " + Path.Combine(dir, "r.html"), result.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "r.html")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "tables"), "*.csv"));
    }

    [Fact]
    public async Task Analyze_FilesThatQuoteMarkupAndEscapes_ShowsThemAsText()
    {
        // A stop reason with Spectre markup in it (a lone "[" made the stop-reason chart throw: exit 70), and a broken file
        // whose name holds an escape sequence that would retitle the terminal if the "skipped:" line echoed it raw.
        var dir = CrosstalkProcess.NewTempDirectory();
        var folder = Directory.CreateDirectory(Path.Combine(dir, "in")).FullName;
        var transcript = Crosstalk.Transcripts.Formats.SeedMarkdown.ReadFile(SharedFiles.Seed001);
        transcript.Stop = new Crosstalk.Transcripts.StopInfo("a[b [red]x");
        await File.WriteAllTextAsync(Path.Combine(folder, "a.json"), Crosstalk.Transcripts.Formats.TranscriptJson.Write(transcript));
        await File.WriteAllTextAsync(Path.Combine(folder, "b\u001b]0;pwned\u0007.json"), "{bad");

        var result = await CrosstalkProcess.RunAsync(dir, "analyze", folder);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("a[b [red]x", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("skipped: " + Path.Combine(folder, "b\u241b]0;pwned\u2407.json"), result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.StandardError);
    }

    [Fact]
    public async Task Analyze_Seed000_FindsTheGarbledWords()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "analyze", SharedFiles.Seed000);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("thanation", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("genderotidural", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches("[▁▂▃▄▅▆▇█]{3,}", result.StandardOutput);
    }

    [Fact]
    public async Task Analyze_BackroomsCorpus_PrintsTablesAndWritesHtmlAndCsv()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var corpus = Path.Combine(AppContext.BaseDirectory, "Backrooms");

        var result = await CrosstalkProcess.RunAsync(dir, "analyze", corpus, "--html", "report.html", "--csv", "tables");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Per model", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Per pair", result.StandardOutput, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id=\"chart-stop\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(dir, "tables", "models.csv")));

        // Each log is named as a file of any other format is: relative to the folder analysed, not by its full path.
        var rows = File.ReadAllLines(Path.Combine(dir, "tables", "conversations.csv"));
        Assert.Contains(rows, row => row.Contains(",k2_opus_backrooms_20250101_120000.txt,", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, row => row.Contains(corpus, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_Run_BreaksItsResultsDownByEveryFactorOfTheExperiment()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, offline:markov]\nopeners: [\" \", \"Hello there.\"]\nsystem_prompts: [\"You are {self}.\", \"You are {self}. End with {end_token}.\"]\nstop: { max_messages: 8 }\n");
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--db", "s.db", "--quiet");
        var run = System.Text.RegularExpressions.Regex.Match(batch.StandardOutput, @"r-[0-9a-z-]+").Value;

        var result = await CrosstalkProcess.RunAsync(dir, "analyze", run, "--db", "s.db", "--html", "r.html");

        Assert.True(result.ExitCode == 0, result.StandardError);
        foreach (var factor in new[] { "By opener", "By system prompt", "By order" })
        {
            Assert.Contains(factor, result.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains("prompt 2", result.StandardOutput, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(dir, "r.html"));
        Assert.Contains("<section id=\"by-system-prompt\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_Html_EveryConversationRowLinksToItsTranscriptFile()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var seeds = Path.GetDirectoryName(SharedFiles.Seed000)!;

        var result = await CrosstalkProcess.RunAsync(dir, "analyze", seeds, "--html", "out/report.html");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var html = File.ReadAllText(Path.Combine(dir, "out", "report.html"));
        var rows = html[html.IndexOf("id=\"conversation-rows\"", StringComparison.Ordinal)..];
        var links = System.Text.RegularExpressions.Regex.Matches(rows, "<tr><td><a href=\"([^\"]+)\">").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Directory.GetFiles(seeds, "*.txt").Length, links.Count);
        Assert.All(links, link => Assert.True(File.Exists(Path.Combine(dir, "out", Uri.UnescapeDataString(link))), link));
    }

    [Fact]
    public async Task Analyze_FolderOfSeeds_TablesNameTheFileEachConversationCameFrom()
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var result = await CrosstalkProcess.RunAsync(dir, "analyze", Path.GetDirectoryName(SharedFiles.Seed000)!, "--csv", "tables");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var rows = File.ReadAllLines(Path.Combine(dir, "tables", "conversations.csv"));
        Assert.Contains(rows, row => row.StartsWith("Kimi K2 ↔ 4o,000_9b49a01de80e6c50.txt,", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.StartsWith("Kimi K2 ↔ grok-4,001_56cfc8f72ca96c78.txt,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_UnknownTarget_FailsWithOneLine()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "analyze", "r-nothing-here");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("r-nothing-here", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
