using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Web.Html;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Web.Pages;

/// <summary>
/// The cluster on this store: its silos (from Orleans' membership table), how many conversations each runs, and those
/// conversations, each watchable live whichever machine runs it. Read from the store alone, so it works without a silo.
/// </summary>
internal static class ClusterPage
{
    public static async Task<string> RenderAsync(WebContext web, HttpContext context)
    {
        var html = new HtmlBuilder();
        html.Element("h1", "Cluster");
        html.Open("section", ("id", "cluster-panel"), ("data-refresh", "/cluster/panel"));
        await WritePanelAsync(web, html, context.RequestAborted).ConfigureAwait(false);
        html.Close("section");
        return Layout.Page("Cluster", "cluster", html);
    }

    public static async Task WritePanelAsync(WebContext web, HtmlBuilder html, CancellationToken cancellationToken)
    {
        var silos = await web.Store.GetClusterSilosAsync(cancellationToken).ConfigureAwait(false);
        var now = web.Time.GetUtcNow();
        var running = await web.Store.GetRunningLeasesAsync(now, cancellationToken).ConfigureAwait(false);
        var titles = new Dictionary<long, string>();
        await foreach (var conversation in web.Store.ListConversationsAsync(new ConversationQuery { RunningAt = now }, cancellationToken).ConfigureAwait(false))
        {
            titles[conversation.Id] = conversation.Title;
        }

        if (silos.Count == 0)
        {
            html.Element(
                "p",
                "No silo has joined a cluster on this store. A cluster runs one experiment on many machines: on PostgreSQL, start silos with 'crosstalk cluster silo --db …' and hand them a run with 'crosstalk batch experiment.yaml --cluster' (docs/cluster.md).",
                ("class", "empty"));
        }
        else
        {
            var active = silos.Count(s => s.IsActive);
            html.Element("p", string.Create(CultureInfo.InvariantCulture, $"{active} silo(s) active, {running.Count} conversation(s) running."), ("id", "cluster-summary"));
            html.Raw("<table class=\"list\" id=\"silos\"><thead><tr><th>Silo</th><th>Address</th><th>Host</th><th>Status</th><th>Started</th>"
                + "<th>Last alive</th><th class=\"num\">Running</th></tr></thead><tbody>");
            foreach (var silo in silos)
            {
                var load = running.Count(r => LeaseOwners.SiloOf(r.Owner) == silo.SiloAddress);
                html.Open("tr", ("class", silo.IsActive ? "active" : "gone"))
                    .Element("td", silo.Name)
                    .Element("td", silo.SiloAddress)
                    .Element("td", silo.Host)
                    .Element("td", silo.Status, ("class", "status"))
                    .Element("td", Formats.Time(silo.Started), ("class", "time"))
                    .Element("td", Formats.Time(silo.LastAlive), ("class", "time"))
                    .Element("td", Formats.Number(load), ("class", "num"))
                    .Close("tr");
            }

            html.Raw("</tbody></table>");
        }

        // Every running conversation, grouped by where it runs: a silo, or a process outside the cluster (a batch, this viewer).
        foreach (var group in running.GroupBy(r => LeaseOwners.SiloOf(r.Owner)).OrderBy(g => g.Key ?? "~", StringComparer.Ordinal))
        {
            var name = group.Key is { } address ? silos.FirstOrDefault(s => s.SiloAddress == address)?.Name ?? address : "Outside the cluster";
            html.Element("h2", string.Create(CultureInfo.InvariantCulture, $"{name}: {group.Count()} running"));
            html.Raw("<ul class=\"sessions\">");
            foreach (var lease in group.Take(100))
            {
                var id = lease.Id.ToString(CultureInfo.InvariantCulture);
                html.Open("li").Link("/live/" + id, titles.GetValueOrDefault(lease.Id) ?? "Conversation " + id)
                    .Text($" · {lease.MessageCount.ToString(CultureInfo.InvariantCulture)} messages")
                    .Text(lease.RunId is { } run ? " · run " + run : string.Empty)
                    .Close("li");
            }

            html.Raw("</ul>");
        }
    }
}
