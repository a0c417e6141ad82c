using Crosstalk.Engine;
using Crosstalk.Engine.Models;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Microsoft.Playwright;

namespace Crosstalk.Web.Tests;

/// <summary>
/// One real server on loopback over a real SQLite file (both seeds, an XSS transcript and a few small conversations),
/// and one headless Chromium driven by Playwright, shared by the browser tests of a class.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string XssTitle = "XSS probe";
    public const string ErrorTitle = "Filter Probe A ↔ Filter Probe B";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crosstalk-web-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _errors = new();
    private IPlaywright? _playwright;

    public ITranscriptStore Store { get; private set; } = null!;

    public CrosstalkEngine Engine { get; private set; } = null!;

    public CrosstalkWebServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public long Seed000Id { get; private set; }

    public long Seed001Id { get; private set; }

    public long XssId { get; private set; }

    public long ErrorId { get; private set; }

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public string Url(string path) => new Uri(Server.Address, path).ToString();

    /// <summary>Opens a page of the server, and fails with what the server reported if it answered with an error.</summary>
    public async Task OpenAsync(IPage page, string path)
    {
        var response = await page.GotoAsync(Url(path));
        if (response is not { Ok: true })
        {
            string reported;
            lock (_errors)
            {
                reported = _errors.ToString();
            }

            Assert.Fail($"GET {path} answered {response?.Status}; the server reported: {reported}");
        }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Directory.CreateDirectory(ScreenshotFolder);
        Store = await TranscriptStore.OpenAsync(Path.Combine(_folder, "crosstalk.db"));
        Seed000Id = await Store.CreateConversationAsync(null, SeedMarkdown.ReadFile(SharedFiles.Seed000), null);
        Seed001Id = await Store.CreateConversationAsync(null, SeedMarkdown.ReadFile(SharedFiles.Seed001), null);
        XssId = await Store.CreateConversationAsync(null, XssPayloads.Transcript(), null);
        ErrorId = await Store.CreateConversationAsync(null, ErrorTranscript(), null);
        Engine = OpenEngine(Store);
        Server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, ErrorLog = _errors });

        var chromium = Environment.GetEnvironmentVariable("CROSSTALK_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {chromium}: run scripts/chromium.sh (or apt-get install chromium) before the browser tests.");
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

    /// <summary>A fresh page whose dialogs (alert, confirm, prompt) are recorded and dismissed.</summary>
    public async Task<(IPage Page, List<string> Dialogs)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            lock (dialogs)
            {
                dialogs.Add(dialog.Type + ": " + dialog.Message);
            }

            _ = dialog.DismissAsync();
        };
        // Long enough for a loaded CI machine: a timeout is here to catch a page that never comes, not a slow one.
        page.SetDefaultTimeout(45_000);
        return (page, dialogs);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = false });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }

        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>An engine over <paramref name="store"/> whose offline agents type a word every 30 ms, as <c>crosstalk serve</c>'s do.</summary>
    public static CrosstalkEngine OpenEngine(ITranscriptStore store) =>
        new(store, new ModelResolver(new ModelResolverOptions { TokenDelay = WebServerOptions.OfflineTokenDelay, WorkingDirectory = Path.GetTempPath() }));

    private static Transcript ErrorTranscript()
    {
        var started = new DateTimeOffset(2025, 11, 2, 9, 30, 0, TimeSpan.Zero);
        var transcript = new Transcript
        {
            Title = ErrorTitle,
            Participants = [new Participant(1, "Filter Probe A", "offline:eliza"), new Participant(2, "Filter Probe B", "offline:markov")],
            Started = started,
            Ended = started.AddSeconds(5),
            Stop = new StopInfo(StopReasons.Error, 2, 3, "HTTP 500 from the provider."),
        };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "Filter Probe A", Content = "Hello there, partner.", Timestamp = started });
        transcript.Messages.Add(new TranscriptMessage
        {
            Seat = 2,
            Speaker = "Filter Probe B",
            Content = "The zebrafish **quantum** answer.",
            Timestamp = started.AddSeconds(2),
            Usage = new TokenUsage(120, 34, 12),
            Latency = TimeSpan.FromSeconds(1.5),
            TimeToFirstToken = TimeSpan.FromSeconds(0.25),
            FinishReason = "stop",
            Reasoning = "Secret chain of thought about zebrafish.",
            Attempts = [new Attempt(1, "HTTP 429 Too Many Requests", 429, TimeSpan.FromSeconds(0.1))],
        });
        return transcript;
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
