using Crosstalk.Cli.Rendering;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Spectre.Console.Testing;

namespace Crosstalk.Cli.Tests;

public sealed class ShowCommandTests
{
    [Fact]
    public async Task Show_Seed_PrintsHeaderAndEveryMessage()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "show", SharedFiles.Seed001);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Kimi K2 ↔ grok-4", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("97", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("2025-10-26 13:08:38", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("#97", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Final exit", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_InspectEvalArchive_ReadsItAsImportDoes_NotAsText()
    {
        // 'show' read every file as text: an .eval (a ZIP) was "not valid UTF-8", though 'import' and 'analyze' read it.
        var dir = CrosstalkProcess.NewTempDirectory();
        var root = new DirectoryInfo(SharedFiles.Directory).Parent!.FullName;
        var eval = Path.Combine(root, "tests", "Crosstalk.Engine.Tests", "Imports", "Foreign", "inspect-multiturn-math.eval");

        var result = await CrosstalkProcess.RunAsync(dir, "show", eval);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Conversation 1 of 2 in this file", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("multiturn_math", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_JsonlOfSeveralConversations_SaysWhichAndShowsTheOneAsked()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var path = Path.Combine(dir, "two.jsonl");
        await File.WriteAllTextAsync(path, """
            {"messages":[{"role":"user","content":"first conversation"},{"role":"assistant","content":"one"}]}
            {"messages":[{"role":"user","content":"second conversation"},{"role":"assistant","content":"two"}]}

            """);

        var first = await CrosstalkProcess.RunAsync(dir, "show", path);
        var second = await CrosstalkProcess.RunAsync(dir, "show", path, "--index", "2");
        var beyond = await CrosstalkProcess.RunAsync(dir, "show", path, "--index", "3");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Conversation 1 of 2 in this file", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("first conversation", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("second conversation", second.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("first conversation", second.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, beyond.ExitCode);
        Assert.StartsWith("error: --index 3: ", beyond.StandardError, StringComparison.Ordinal);
        Assert.Contains("holds 2 conversation(s)", beyond.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_JsonlWithABadLineAfterTheFirst_FailsNamingTheLine()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var path = Path.Combine(dir, "bad.jsonl");
        await File.WriteAllTextAsync(path, "{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"}]}\n{\"conversations\": [\n");

        var result = await CrosstalkProcess.RunAsync(dir, "show", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad.jsonl:2:", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnfinishedTranscript_SaysItIsNotFinished()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var path = Path.Combine(dir, "running.md");
        File.WriteAllText(path, "# A ↔ B\n\n**Started:** 2025-10-26 12:15:18\n**Messages:** 1\n\n---\n\n### A\n\n \n\n---\n\n");

        var result = await CrosstalkProcess.RunAsync(dir, "show", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("not finished", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_ContentWithMarkupAndHtml_IsShownAsText()
    {
        var transcript = new Transcript
        {
            Title = "A ↔ B",
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = "[red]not markup[/] and [/] and <script>alert(1)</script>" },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "## Heading\n\n```\n---\ncode [b]\n```\n\n> quoted [END]" },
            ],
        };
        var console = new TestConsole().Width(100);

        console.Write(TranscriptView.Header(transcript));
        foreach (var renderable in TranscriptView.Messages(transcript))
        {
            console.Write(renderable);
        }

        Assert.Contains("[red]not markup[/]", console.Output, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script>", console.Output, StringComparison.Ordinal);
        Assert.Contains("code [b]", console.Output, StringComparison.Ordinal);
        Assert.Contains("quoted [END]", console.Output, StringComparison.Ordinal);
        Assert.Contains("not finished", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_ControlCharactersAndBidiOverridesFromTheModel_NeverReachTheTerminal()
    {
        var transcript = new Transcript
        {
            Title = "A\u001b[2J ↔ B",
            Participants = [new Participant(1, "A\u001b]0;PWNED\u0007"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A\u001b]0;PWNED\u0007", Content = "evil \u001b]0;PWNED\u0007 title and \u001b[31mred\u009b and a bell\u0007" },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "line one\r\nline two\rover\tand a tab, then access = \"user\u202e \u2066// admin\u2069\u2066\"" },
            ],
        };
        var console = new TestConsole().Width(100);

        console.Write(TranscriptView.Header(transcript));
        foreach (var renderable in TranscriptView.Messages(transcript))
        {
            console.Write(renderable);
        }

        // TestConsole writes no ANSI of its own, so any control character in the output came from the transcript.
        Assert.DoesNotContain(console.Output, c => c is '\u001b' or '\u0007' or '\u009b' or '\r');
        // Nor a bidirectional override or isolate, which would make the terminal show the text after it reordered.
        Assert.DoesNotContain(console.Output, c => c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069');
        Assert.Contains("access = \"user\ufffd \ufffd// admin\ufffd\ufffd\"", console.Output, StringComparison.Ordinal);
        Assert.Contains("evil ␛]0;PWNED␇ title and ␛[31mred", console.Output, StringComparison.Ordinal);
        Assert.Contains("line two␍over", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ParagraphsListsAndTables_ReadAsTheViewerReadsThem()
    {
        var console = new TestConsole().Width(100);

        console.Write(MarkdownText.Render(
            "First paragraph.\n\nSecond ~~old~~ paragraph.\n\n- [x] done\n- [ ] to do\n\n| Model | Score |\n|:------|------:|\n| grok-4 | 3 |\n| **Kimi K2** | 12 |\n"));

        var lines = console.Output.Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.IndexOf("First paragraph.");
        Assert.True(first >= 0, console.Output);
        Assert.Equal(string.Empty, lines[first + 1]);
        Assert.Equal("Second old paragraph.", lines[first + 2]);
        Assert.Contains(lines, l => l.Contains("☑ done", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("☐ to do", StringComparison.Ordinal));
        // A table, not its source: a header, rows in columns, numbers aligned right as the table says.
        Assert.DoesNotContain("|---", console.Output, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("│ Model", StringComparison.Ordinal) && l.Contains("Score │", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("│ grok-4", StringComparison.Ordinal) && l.Contains("     3 │", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("│ Kimi K2", StringComparison.Ordinal) && l.Contains("12 │", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_Details_ShowsTokensCostLatencyAttemptsAndTotals()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var started = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var transcript = new Transcript
        {
            Title = "A ↔ B",
            Participants = [new Participant(1, "A", "openai:gpt-4o"), new Participant(2, "B", "openai:gpt-4o")],
            Started = started,
            Ended = started.AddSeconds(9),
            Stop = new StopInfo(StopReasons.Error, 1, 3, "HTTP 500") { Attempts = [new Attempt(1, "server error", 500, TimeSpan.FromSeconds(2))] },
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Hello.", Timestamp = started },
                new TranscriptMessage
                {
                    Seat = 2, Speaker = "B", Content = "Hi there.", Timestamp = started.AddSeconds(3),
                    Usage = new TokenUsage(1200, 34, 12), Cost = 0.0042m, Latency = TimeSpan.FromSeconds(1.5), TimeToFirstToken = TimeSpan.FromSeconds(0.25),
                    FinishReason = "stop", Attempts = [new Attempt(1, "Too Many Requests", 429, TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(3))],
                },
            ],
        };
        var path = Path.Combine(dir, "t.json");
        Crosstalk.Transcripts.Formats.TranscriptFile.Write(transcript, path, Crosstalk.Transcripts.Formats.TranscriptFormat.Json);

        var plain = await CrosstalkProcess.RunAsync(dir, "show", path);
        var detailed = await CrosstalkProcess.RunAsync(dir, "show", path, "--details");

        Assert.Equal(0, detailed.ExitCode);
        Assert.DoesNotContain("1,200 in", plain.StandardOutput, StringComparison.Ordinal);
        var output = detailed.StandardOutput;
        Assert.Contains("1,200 in, 34 out, 12 reasoning tokens · 1.50 s (first token 0.25 s) · $0.0042 · finish: stop · 2 attempts", output, StringComparison.Ordinal);
        Assert.Contains("attempt 1 failed: Too Many Requests (HTTP 429) after 0.10 s, retry after 3.00 s", output, StringComparison.Ordinal);
        Assert.Contains("tokens not recorded · cost not recorded · 1 attempt", output, StringComparison.Ordinal);
        Assert.Contains("1,200 in, 34 out over 1 message(s)", output, StringComparison.Ordinal);
        Assert.Contains("2 failed attempt(s)", output, StringComparison.Ordinal);
        Assert.Contains("before the stop: attempt 1 failed: server error (HTTP 500)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("and [[ double", "and [[ double")]
    [InlineData("a [link](https://example.com) b", "a link (https://example.com) b")]
    [InlineData("unclosed [bracket and ] stray", "unclosed [bracket and ] stray")]
    public void Render_Brackets_AreShownAsWritten(string markdown, string expected)
    {
        var console = new TestConsole().Width(100);

        console.Write(MarkdownText.Render(markdown));

        Assert.Contains(expected, console.Output, StringComparison.Ordinal);
    }
}
