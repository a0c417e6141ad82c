using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis.Judge;
using Crosstalk.Testing;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Web.Tests;

/// <summary>A conversation page shows where a judge placed the goodbye loop (crosstalk judge --rubric goodbye-loop), beside the rule's.</summary>
[Collection(WebCollection.Name)]
public sealed class JudgedLoopTests : OwnStoreTests
{
    [Fact]
    public async Task ConversationPage_WithJudgesSpans_ShowsEachJudgesLoopBesideTheRules_EscapingWhatWasStored()
    {
        var id = await Store.CreateConversationAsync(null, SeedMarkdown.ReadFile(SharedFiles.Seed001), null);
        await Judge(id, "gpt-4o", """{"first": 29, "last": 97, "reason": "thanks from 29"}""");
        await Judge(id, "<b>bold</b>", """{"first": null, "last": null, "reason": "no loop"}""");
        await Store.SetConversationMetadataAsync(id, JudgeScorer.MetadataKey(JudgeRubrics.GoodbyeLoop.Id, "edited"), "not json at all");
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();

        var page = await http.GetStringAsync(new Uri(server.Address, "/c/" + id.ToString(CultureInfo.InvariantCulture)));

        Assert.Contains("<dd id=\"goodbye-loop\"><a href=\"#m24\">messages 24–97</a>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Goodbye loop, judge gpt-4o</dt><dd class=\"judged-loop\"><a href=\"#m29\">messages 29–97</a></dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Goodbye loop, judge &lt;b&gt;bold&lt;/b&gt;</dt><dd class=\"judged-loop\">none</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Goodbye loop, judge edited</dt><dd class=\"judged-loop\">no usable answer</dd>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", page, StringComparison.Ordinal);
    }

    // What 'crosstalk judge ID --rubric goodbye-loop --model MODEL' keeps with a stored conversation.
    private async Task Judge(long id, string model, string answer)
    {
        using var document = JsonDocument.Parse(answer);
        var judged = new Crosstalk.Transcripts.Transcript();
        JudgeScorer.Attach(judged, [new JudgeResult(JudgeRubrics.GoodbyeLoop.Id, model, null, document.RootElement.Clone(), Cached: false)]);
        var key = JudgeScorer.MetadataKey(JudgeRubrics.GoodbyeLoop.Id, model);
        await Store.SetConversationMetadataAsync(id, key, judged.Metadata[key]);
    }
}
