using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>Runs (executions of experiments) with their progress.</summary>
internal static class RunsPage
{
    public static async Task<string> RenderAsync(WebContext web, HttpContext context)
    {
        var html = new HtmlBuilder();
        html.Element("h1", "Runs");
        var runs = await ReadRunsAsync(web.Store, context.RequestAborted).ConfigureAwait(false);
        if (runs.Count == 0)
        {
            html.Element("p", "No runs yet: crosstalk run records one per experiment. Imported and live conversations are listed under Conversations.", ("class", "empty"));
        }
        else
        {
            WriteTable(html, runs);
        }

        return Layout.Page("Runs", "runs", html);
    }

    public static async Task<List<RunSummary>> ReadRunsAsync(ITranscriptStore store, CancellationToken cancellationToken)
    {
        var runs = new List<RunSummary>();
        await foreach (var run in store.ListRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(run);
        }

        runs.Reverse();
        return runs;
    }

    public static void WriteTable(HtmlBuilder html, IEnumerable<RunSummary> runs)
    {
        html.Raw("<table class=\"list\" id=\"runs\"><thead><tr><th>Run</th><th>Experiment</th><th>Started</th><th>Progress</th>"
            + "<th class=\"num\">Messages</th><th class=\"num\">Tokens</th><th class=\"num\">Cost</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            var max = Math.Max(run.Conversations, 1).ToString(CultureInfo.InvariantCulture);
            html.Open("tr")
                .Open("td").Link("/?run=" + Uri.EscapeDataString(run.Id), run.Id).Close("td")
                .Element("td", run.ExperimentName)
                .Element("td", Formats.Time(run.Started), ("class", "time"))
                .Open("td", ("class", "progress"))
                .Open("progress", ("max", max), ("value", run.Finished.ToString(CultureInfo.InvariantCulture))).Close("progress")
                .Text($" {Formats.Number(run.Finished)} of {Formats.Number(run.Conversations)} finished")
                .Close("td")
                .Element("td", Formats.Number(run.Messages), ("class", "num"))
                .Element("td", Formats.Number(run.TotalTokens), ("class", "num"))
                .Element("td", Formats.Money(run.TotalCost), ("class", "num"))
                .Close("tr");
        }

        html.Raw("</tbody></table>");
    }
}
