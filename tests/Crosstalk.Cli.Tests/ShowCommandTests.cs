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
    public void Messages_ControlCharactersFromTheModel_NeverReachTheTerminal()
    {
        var transcript = new Transcript
        {
            Title = "A\u001b[2J ↔ B",
            Participants = [new Participant(1, "A\u001b]0;PWNED\u0007"), new Participant(2, "B")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A\u001b]0;PWNED\u0007", Content = "evil \u001b]0;PWNED\u0007 title and \u001b[31mred\u009b and a bell\u0007" },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "line one\r\nline two\rover\tand a tab" },
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
        Assert.Contains("evil ␛]0;PWNED␇ title and ␛[31mred", console.Output, StringComparison.Ordinal);
        Assert.Contains("line two␍over", console.Output, StringComparison.Ordinal);
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
