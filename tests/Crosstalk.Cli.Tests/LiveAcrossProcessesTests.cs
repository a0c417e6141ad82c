using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Crosstalk.Storage;
using Microsoft.Playwright;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// The browser viewer follows the store, not its own process: <c>crosstalk serve</c> streams a conversation that a
/// <c>crosstalk batch</c> in another process is running, and a conversation started on the live page survives the server's
/// kill -9 and is resumed from the command line. Headless Chromium, driven by Playwright, as a user's browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LiveAcrossProcessesTests(BrowserFixture browser)
{
    [Fact]
    public async Task Serve_BatchRunningInAnotherProcess_StreamsItsMessagesLive()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "name: watched\nmodels: [offline:eliza, offline:markov]\nrepetitions: 1\nstop: { max_messages: 40, end_policy: off }\nconcurrency: 2\n");
        await using var serve = await ServeAsync(dir);
        using var batch = CrosstalkProcess.Start(dir, "batch", "exp.yaml", "--quiet", "--token-delay", "60", "--db", "store.db");
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(serve.Url("/live"));

            // The live page lists what runs on the store, whichever process runs it (it refreshes every few seconds).
            var running = page.Locator("#running li a");
            await Assertions.Expect(running).Not.ToHaveCountAsync(0, new() { Timeout = 30_000 });

            // Followed by its address rather than clicked: the list is redrawn every few seconds, and a click that lands
            // as it is replaced goes nowhere (a CI run timed out on that).
            var link = await running.First.GetAttributeAsync("href");
            await page.GotoAsync(serve.Url(link!));
            Assert.Matches(new Regex("/live/\\d+$"), page.Url);
            Assert.Equal("running", await page.Locator("#status").GetAttributeAsync("data-state"));

            // Text arrives word by word into the message in flight, and finished messages are added as they are stored.
            var streaming = page.Locator("#messages li.msg.streaming .body");
            await Assertions.Expect(streaming).Not.ToBeEmptyAsync(new() { Timeout = 20_000 });
            var before = await page.Locator("#messages li.msg").CountAsync();
            var firstText = (await page.Locator("#messages").InnerTextAsync()).Length;
            await Assertions.Expect(page.Locator("#messages li.msg")).Not.ToHaveCountAsync(before, new() { Timeout = 20_000 });
            var laterText = (await page.Locator("#messages").InnerTextAsync()).Length;
            Assert.True(laterText > firstText, $"The conversation did not grow ({firstText} then {laterText} characters).");
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "live-other-process.png") });

            // What the page shows is what the store holds, message for message. The page is read before the store: the
            // batch goes on writing, so the store may be ahead of the page, never behind it (read the other way round, a
            // message stored between the two reads failed a CI run).
            var id = long.Parse(new Uri(page.Url).Segments[^1], CultureInfo.InvariantCulture);
            var shown = await page.Locator("#messages li.msg:not(.streaming)").EvaluateAllAsync<string[]>("items => items.map(li => li.dataset.index)");
            await using var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "store.db"));
            var stored = (await store.GetTranscriptAsync(id))!;
            Assert.InRange(shown.Length, 2, stored.Messages.Count);
            Assert.Equal(Enumerable.Range(1, shown.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)), shown);
            await page.Context.CloseAsync();
        }
        finally
        {
            batch.Kill(entireProcessTree: true);
            await batch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task LivePage_ServerKilledWithSigkill_ConversationResumesToWhatItsPlanSays()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        long id;
        await using (var serve = await ServeAsync(dir))
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(serve.Url("/live"));
            await page.FillAsync("#model1", "offline:eliza");
            await page.FillAsync("#model2", "offline:markov");
            await page.FillAsync("textarea[name=opener]", "Tell me about the sea.");
            await page.FillAsync("#stop-policy", "end-token:off | max-messages:24");
            await page.ClickAsync("#start");
            await BrowserFixture.WaitForLivePageAsync(page);
            id = long.Parse(new Uri(page.Url).Segments[^1], CultureInfo.InvariantCulture);
            await Assertions.Expect(page.Locator("#messages li.msg:not(.streaming)")).Not.ToHaveCountAsync(0, new() { Timeout = 20_000 });
            await page.Locator("#messages li.msg:not(.streaming)").Nth(4).WaitForAsync(new() { Timeout = 30_000 });
            serve.Kill();
            await page.Context.CloseAsync();
        }

        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "store.db")))
        {
            var cut = (await store.GetTranscriptAsync(id))!;
            Assert.Null(cut.Stop);
            Assert.InRange(cut.Messages.Count, 5, 23);
        }

        var resume = await CrosstalkProcess.RunAsync(dir, "resume", id.ToString(CultureInfo.InvariantCulture), "--quiet", "--db", "store.db");
        Assert.True(resume.ExitCode == 0, resume.StandardError + resume.StandardOutput);

        // The same plan run again from nothing (a fork that keeps no message) says the same: nothing was lost or changed.
        var again = await CrosstalkProcess.RunAsync(dir, "fork", id.ToString(CultureInfo.InvariantCulture), "--at", "0", "--quiet", "--db", "store.db");
        Assert.True(again.ExitCode == 0, again.StandardError + again.StandardOutput);
        await using var after = await TranscriptStore.OpenAsync(Path.Combine(dir, "store.db"));
        var resumed = (await after.GetTranscriptAsync(id))!;
        var reference = (await after.GetTranscriptAsync(id + 1))!;
        Assert.Equal(24, resumed.Messages.Count);
        Assert.Equal("Tell me about the sea.", resumed.Messages[0].Content);
        Assert.Equal(reference.Messages.Select(m => m.Content), resumed.Messages.Select(m => m.Content));
    }

    /// <summary>Starts <c>crosstalk serve</c> on a free port over <paramref name="db"/> and waits for its address.</summary>
    internal static async Task<ServeProcess> ServeAsync(string dir, string db = "store.db")
    {
        var start = CrosstalkProcess.StartInfo(dir, new Dictionary<string, string>(), "serve", "--port", "0", "--db", db);
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Url().Match(line) is { Success: true } match)
            {
                address.TrySetResult(match.Value);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = await address.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ServeProcess(process, new Uri(url));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/")]
    private static partial Regex Url();

    internal sealed class ServeProcess(Process process, Uri address) : IAsyncDisposable
    {
        public string Url(string path) => new Uri(address, path).ToString();

        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>One headless Chromium for the CLI's browser tests (Debian's, never a downloaded one).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var chromium = Environment.GetEnvironmentVariable("CROSSTALK_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"Chromium is not installed at {chromium}: run scripts/chromium.sh (or apt-get install chromium) before the browser tests.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(45_000);
        return page;
    }

    /// <summary>
    /// Waits for the page a started or followed conversation redirects to; if it does not come, fails with what the page
    /// shows instead (the form's one-sentence error, or a page still loading), which a bare timeout would not say.
    /// </summary>
    public static async Task WaitForLivePageAsync(IPage page)
    {
        try
        {
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/live/\\d+$"), new() { Timeout = 90_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 }).ConfigureAwait(false);
            throw new Xunit.Sdk.XunitException($"The live page did not open within 90 s; still at {page.Url}, showing: {shown[..Math.Min(shown.Length, 2_000)]}");
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "cli-browser";
}
