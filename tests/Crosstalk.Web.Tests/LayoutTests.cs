using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts.Formats;
using Microsoft.Playwright;

namespace Crosstalk.Web.Tests;

/// <summary>
/// Every page at a desktop width and a phone width: a screenshot of each (kept under TestResults/screenshots), and no page
/// that scrolls sideways — a table wider than a phone scrolls inside its own box, not the page.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class LayoutTests(WebFixture web)
{
    public static TheoryData<int> Widths => new() { 1440, 390 };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task EveryPage_AtThisWidth_FitsWithoutSidewaysScrolling(int width)
    {
        var pages = new (string Name, string Path)[]
        {
            ("conversations", "/"),
            ("runs", "/runs"),
            ("live-form", "/live"),
            ("corpus", "/corpus"),
            ("cluster", "/cluster"),
            ("search", "/search?q=zebrafish"),
            ("conversation-seed001", $"/c/{web.Seed001Id}"),
            ("conversation-xss", $"/c/{web.XssId}"),
            ("conversation-error", $"/c/{web.ErrorId}"),
            ("watch", $"/live/{web.Seed000Id}"),
            ("not-found", "/nope"),
        };
        var context = await web.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(45_000);
        var overflowing = new List<string>();
        foreach (var (name, path) in pages)
        {
            await page.GotoAsync(web.Url(path));
            await Check(page, $"{name}-{width}", path, overflowing);
        }

        // The self-contained report of 'analyze --html', as a file.
        var report = Path.Combine(Path.GetTempPath(), $"crosstalk-report-{Guid.NewGuid():N}.html");
        await using (var writer = File.CreateText(report))
        {
            AnalysisReport.Write(CorpusAnalyzer.Analyze([SeedMarkdown.ReadFile(SharedFiles.Seed000), SeedMarkdown.ReadFile(SharedFiles.Seed001)]), writer);
        }

        await page.GotoAsync(new Uri(report).AbsoluteUri);
        await Check(page, $"analyze-report-{width}", "analyze --html", overflowing);

        // A study's report, with its charts and their intervals.
        var prompts = new Dictionary<string, int>(StringComparer.Ordinal);
        var seeds = new[] { SharedFiles.Seed000, SharedFiles.Seed001 }.Select((f, i) => Crosstalk.Engine.Studies.StudyData.Of(i + 1, SeedMarkdown.ReadFile(f), null, prompts)).ToList();
        await using (var writer = File.CreateText(report))
        {
            StudyReportHtml.Write(Crosstalk.Studies.StudyReports.Build(Crosstalk.Studies.StudyFile.Preset("attractors")!, seeds, "r-test"), writer);
        }

        await page.GotoAsync(new Uri(report).AbsoluteUri);
        await Check(page, $"study-report-{width}", "study report", overflowing);
        File.Delete(report);
        await context.CloseAsync();

        Assert.True(overflowing.Count == 0, string.Join("\n", overflowing));
    }

    [Fact]
    public async Task CorpusPage_Phone_ChartLabelsAreReadable()
    {
        var context = await web.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(web.Url("/corpus"));

        var sizes = await page.EvaluateAsync<double[]>(
            "() => [...document.querySelectorAll('figure.bars .bar-label, figure.bars .bar-value')].map(e => parseFloat(getComputedStyle(e).fontSize))");
        Assert.NotEmpty(sizes);
        Assert.All(sizes, size => Assert.True(size >= 12, $"a chart label of {size}px"));
        await context.CloseAsync();
    }

    private static async Task Check(IPage page, string name, string path, List<string> overflowing)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.ScreenshotFolder, name + ".png"), FullPage = true });
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scroll, viewport) = (widths[0], widths[1]);
        if (scroll > viewport)
        {
            var culprit = await page.EvaluateAsync<string>(
                "() => { const w = window.innerWidth; const e = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1).pop(); return e ? e.outerHTML.slice(0, 160) : ''; }");
            overflowing.Add($"{path} is {scroll}px wide at {viewport}px: {culprit}");
        }
    }
}
