using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;

namespace Crosstalk.Web.Tests;

/// <summary>The corpus page of one run breaks its results down by each factor of the run's experiment.</summary>
[Collection(WebCollection.Name)]
public sealed class CorpusBreakdownTests : OwnStoreTests
{
    [Fact]
    public async Task CorpusOfARun_ShowsItsResultsByOpenerOrderAndRepetition_WithIntervals()
    {
        var experiment = ExperimentFile.Parse(
            "models: [offline:eliza, offline:markov]\nopeners: [\" \", \"Hello there.\"]\nrepetitions: 2\nstop: { max_messages: 8 }\n", "exp.yaml");
        var (run, conversations) = ConversationPlanner.PlanRun(experiment, Engine.Models, DateTimeOffset.Now, null);
        var runId = await Engine.CreateRunAsync(run, conversations);
        await Engine.Runs.RunAsync(runId);
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();

        var page = await http.GetStringAsync(new Uri(server.Address, "/corpus?run=" + runId));
        var all = await http.GetStringAsync(new Uri(server.Address, "/corpus"));

        Assert.Contains("By factor of the experiment", page, StringComparison.Ordinal);
        foreach (var id in new[] { "by-opener", "by-order", "by-repetition" })
        {
            Assert.Contains($"<section id=\"{id}\">", page, StringComparison.Ordinal);
        }

        Assert.Contains("<td>&quot;Hello there.&quot;</td><td class=\"num\">4</td>", page, StringComparison.Ordinal);
        Assert.Contains("class=\"whisker\"", page, StringComparison.Ordinal);
        // Without a run there is no experiment to break down.
        Assert.DoesNotContain("By factor of the experiment", all, StringComparison.Ordinal);

        // The breakdowns cover what the page's filters select, as the tables above them do: only the conversations that
        // contain the text.
        var filtered = await http.GetStringAsync(new Uri(server.Address, "/corpus?run=" + runId + "&q=" + Uri.EscapeDataString("\"Hello there\"")));
        Assert.Contains("Analysed 4 of 4 matching conversations", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("<section id=\"by-opener\">", filtered, StringComparison.Ordinal); // one opener left: nothing to compare
        Assert.Matches("ELIZA opens</span><svg[^>]*>(?:(?!</svg>).)*</svg><span class=\"bar-value\">[^<]*/4</span>", page);
        Assert.Matches("ELIZA opens</span><svg[^>]*>(?:(?!</svg>).)*</svg><span class=\"bar-value\">[^<]*/2</span>", filtered);
    }
}
