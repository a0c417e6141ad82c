using System.Text.RegularExpressions;
using Crosstalk.Analysis;
using Crosstalk.Cli.Reports;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Tests.Reports;

public sealed class AnalysisReportHtmlTests
{
    [Fact]
    public void Write_Seeds_IsSelfContainedWithEmbeddedPngCharts()
    {
        var corpus = CorpusAnalyzer.Analyze([SeedMarkdown.ReadFile(SharedFiles.Seed000), SeedMarkdown.ReadFile(SharedFiles.Seed001)]);
        using var writer = new StringWriter();

        AnalysisReportHtml.Write(corpus, writer);

        var html = writer.ToString();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.True(Regex.Matches(html, "src=\"data:image/png;base64,iVBORw0KGgo").Count >= 5, "five embedded PNG charts");
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.Contains("<td>grok-4</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Kimi K2 ↔ grok-4</td>", html, StringComparison.Ordinal);
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

        AnalysisReportHtml.Write(CorpusAnalyzer.Analyze([transcript]), writer);

        var html = writer.ToString();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("B &amp; co", html, StringComparison.Ordinal);
    }
}
