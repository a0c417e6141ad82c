using System.Text;
using Crosstalk.Testing;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Fuzz;

/// <summary>
/// Inputs built to make a reader do quadratic work (each a few MB): read in seconds, not minutes. The bound is a hang
/// check, far above the time they take; the timings themselves belong to BENCHMARKS.md.
/// </summary>
public sealed class PathologicalInputTests
{
    [Fact]
    public void SeedWhoseHeadingsNeverNameTheSpeakerInTurn_WithACountThatDisagrees_IsReadPromptly()
    {
        // 200,000 headings all naming A, and a count of half that: the count decides which headings are text; the choice
        // looked for B's heading through the rest of the file for each message (20,000 headings took 2.3 s, this minutes).
        var text = new StringBuilder("# A ↔ B\n\n**Messages:** 100000");
        for (var i = 0; i < 200_000; i++)
        {
            text.Append("\n\n---\n\n### A\n\nx");
        }

        text.Append("\n\n---\n\n");

        var transcript = HangGuard.Run(() => SeedMarkdown.Read(text.ToString(), "many.md"), "reading many.md");

        Assert.Equal(100_000, transcript.Messages.Count);
        Assert.Contains(transcript.ReadWarnings, w => w.StartsWith("many.md:3: the header says 100000 messages and the file has 200000", StringComparison.Ordinal));
    }

    [Fact]
    public void LiminalBackroomsMessage_WithThousandsOfUnclosedCodeBlocks_IsReadPromptly()
    {
        var content = string.Concat(Enumerable.Repeat("<pre><code class=\"language-", 200_000));
        var html = "<html><head><title>Liminal Backrooms</title></head><body><div id=\"conversation\">\n"
            + "<div class=\"message assistant\"><div class=\"message-content\"><div class=\"header\"><span class=\"ai-name\">AI-1</span> "
            + "<span class=\"model-name\">(Claude)</span></div><div class=\"content\">" + content + "</div></div></div>\n</div></body></html>";
        var path = Path.Combine(Directory.CreateTempSubdirectory("crosstalk-liminal-").FullName, "conversation_full.html");
        File.WriteAllText(path, html);

        try
        {
            var transcript = Assert.Single(HangGuard.Run(() => TranscriptFile.ReadAll(path).ToList(), "reading conversation_full.html"));

            // Read exactly: an opening without its closing is text.
            Assert.Equal(System.Net.WebUtility.HtmlDecode(content), Assert.Single(transcript.Messages).Content);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
