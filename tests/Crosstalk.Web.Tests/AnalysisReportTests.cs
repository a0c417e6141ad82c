using System.Text.RegularExpressions;
using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Web.Tests;

public sealed class AnalysisReportTests
{
    [Fact]
    public void Write_Seeds_IsSelfContainedWithTheViewersTablesAndLinkedRows()
    {
        var corpus = CorpusAnalyzer.Analyze([SeedMarkdown.ReadFile(SharedFiles.Seed000), SeedMarkdown.ReadFile(SharedFiles.Seed001)]);
        using var writer = new StringWriter();

        AnalysisReport.Write(corpus, writer, conversationLink: row => "transcripts/" + Uri.EscapeDataString(row.Title) + ".md");

        var html = writer.ToString();
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        // Nothing from elsewhere, nothing that runs: the viewer's stylesheet is inlined.
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.Contains("table.list", html, StringComparison.Ordinal);
        // The viewer's tables, by the same ids and columns.
        foreach (var id in new[] { "corpus-summary", "chart-stop", "chart-ends-first", "models", "signatures", "pairs", "conversation-rows" })
        {
            Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("<td>grok-4</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Kimi K2 ↔ grok-4</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th class=\"num\">Cost after first end</th>", html, StringComparison.Ordinal);
        // Every conversation row links to its transcript.
        var rows = Regex.Matches(html, "<tr><td><a href=\"transcripts/[^\"]+\\.md\">");
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public void Write_NamesWithMarkup_AreEncoded()
    {
        var transcript = new Transcript
        {
            Title = "<script>alert(1)</script>",
            Participants = [new Participant(1, "<img src=x onerror=alert(1)>"), new Participant(2, "B & co")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "<img src=x onerror=alert(1)>", Content = " " },
                new TranscriptMessage { Seat = 2, Speaker = "B & co", Content = "<b>bold</b> words words words" },
            ],
        };
        using var writer = new StringWriter();

        AnalysisReport.Write(CorpusAnalyzer.Analyze([transcript]), writer, conversationLink: _ => "a\" onclick=\"alert(1)");

        var html = writer.ToString();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onclick=\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("B &amp; co", html, StringComparison.Ordinal);
    }
}
