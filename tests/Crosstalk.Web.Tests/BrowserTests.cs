using System.Globalization;
using System.Text;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Microsoft.Playwright;

namespace Crosstalk.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class BrowserTests(WebFixture web)
{
    [Fact]
    public async Task ConversationsPage_Opened_ListsImportedConversations()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/");

        var rows = page.Locator("#conversations tbody tr");
        Assert.True(await rows.CountAsync() >= 4);
        var table = await page.Locator("#conversations").InnerTextAsync();
        Assert.Contains("Kimi K2 ↔ 4o", table, StringComparison.Ordinal);
        Assert.Contains("Kimi K2 ↔ grok-4", table, StringComparison.Ordinal);
        Assert.Contains("conversations", await page.Locator("#result-count").InnerTextAsync(), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "conversations");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ConversationsPage_FilterByStopReason_ShowsOnlyMatchingConversations()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/");

        await page.SelectOptionAsync("select[name=stop]", StopReasons.Error);
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("stop=error", StringComparison.Ordinal));

        var rows = page.Locator("#conversations tbody tr");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Contains(WebFixture.ErrorTitle, await rows.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("error", await page.Locator("select[name=stop]").InputValueAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Search_WordFromSeed_FindsTheMessageAndOpensIt()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/");

        await page.FillAsync("header form.search input[name=q]", "genderotidural");
        await page.PressAsync("header form.search input[name=q]", "Enter");
        await page.WaitForURLAsync(url => url.Contains("/search", StringComparison.Ordinal));

        var hits = page.Locator("#hits li");
        Assert.Equal(1, await hits.CountAsync());
        Assert.Contains("Kimi K2 ↔ 4o", await hits.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("genderotidural", await hits.First.Locator(".snippet mark").InnerTextAsync(), StringComparer.OrdinalIgnoreCase);
        await WebFixture.ScreenshotAsync(page, "search");

        await hits.First.Locator("a").First.ClickAsync();

        // The message is what is waited for, not the page's load event (which once never came under the whole suite's
        // load, with the page there and the network idle): the locator waits until the message is on the page.
        await page.WaitForURLAsync(url => url.Contains("/c/" + web.Seed000Id.ToString(CultureInfo.InvariantCulture) + "#m", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        var fragment = new Uri(page.Url).Fragment;
        Assert.Contains("genderotidural", await page.Locator(fragment).InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ConversationPage_Seed_ShowsHeaderChatAndFoldedDetails()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/c/" + web.ErrorId.ToString(CultureInfo.InvariantCulture));

        var header = await page.Locator("#header").InnerTextAsync();
        Assert.Contains("Filter Probe A", header, StringComparison.Ordinal);
        Assert.Contains("2025-11-02 09:30:00", header, StringComparison.Ordinal);
        Assert.Equal("2", await page.Locator("#message-count").InnerTextAsync());
        Assert.Contains("error", await page.Locator("#stop-reason").InnerTextAsync(), StringComparison.Ordinal);

        var second = page.Locator("#m2");
        Assert.Equal("quantum", await second.Locator(".body strong").InnerTextAsync());
        var seat1 = await page.Locator("#m1").GetAttributeAsync("class");
        var seat2 = await second.GetAttributeAsync("class");
        Assert.Contains("seat-1", seat1, StringComparison.Ordinal);
        Assert.Contains("seat-2", seat2, StringComparison.Ordinal);

        // Details and reasoning are folded until asked for.
        Assert.False(await second.Locator(".details dl").IsVisibleAsync());
        await second.Locator(".details > summary").ClickAsync();
        var details = await second.Locator(".details dl").InnerTextAsync();
        Assert.Contains("120 in, 34 out, 12 reasoning", details, StringComparison.Ordinal);
        Assert.Contains("1.50 s", details, StringComparison.Ordinal);
        Assert.Contains("HTTP 429", await second.Locator(".attempts").InnerTextAsync(), StringComparison.Ordinal);
        Assert.False(await second.Locator(".reasoning pre").IsVisibleAsync());
        await second.Locator(".reasoning > summary").ClickAsync();
        Assert.Contains("zebrafish", await second.Locator(".reasoning pre").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ConversationPage_SeedDownloads_AreTheSeedByteForByte()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/c/" + web.Seed001Id.ToString(CultureInfo.InvariantCulture));
        Assert.Contains("Kimi K2 ↔ grok-4", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await WebFixture.ScreenshotAsync(page, "conversation");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-md"));
        var path = await download.PathAsync();
        Assert.Equal(await File.ReadAllBytesAsync(SharedFiles.Seed001), await File.ReadAllBytesAsync(path!));
        Assert.EndsWith(".md", download.SuggestedFilename, StringComparison.Ordinal);

        var json = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-json"));
        var text = await File.ReadAllTextAsync((await json.PathAsync())!, Encoding.UTF8);
        Assert.Contains("Kimi K2", text, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task XssTranscript_Rendered_ShowsPayloadsAsTextAndRunsNothing()
    {
        var (page, dialogs) = await web.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text + " (" + message.Location + ")");
            }
        };
        page.PageError += (_, error) => consoleErrors.Add("uncaught: " + error);
        await web.OpenAsync(page, "/c/" + web.XssId.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#m1").WaitForAsync();

        // Give anything that might fire (onerror, onload, ontoggle, meta refresh) time to do so.
        await page.Locator(".msg .details > summary").First.ClickAsync();
        await page.Locator("#m2").HoverAsync();
        await page.WaitForTimeoutAsync(500);

        Assert.Empty(dialogs);
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        Assert.DoesNotContain("pwned", await page.TitleAsync(), StringComparison.Ordinal);
        Assert.EndsWith("/c/" + web.XssId.ToString(CultureInfo.InvariantCulture), page.Url, StringComparison.Ordinal);

        // The payloads are there, as text.
        var chat = await page.Locator("#messages").InnerTextAsync();
        Assert.Contains(XssPayloads.ScriptText, chat, StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=", chat, StringComparison.Ordinal);
        Assert.Contains("click me", chat, StringComparison.Ordinal);
        Assert.Contains("<script>window.__xss='name'</script>", await page.Locator("#header").InnerTextAsync(), StringComparison.Ordinal);

        // Nothing the model wrote became live markup.
        Assert.Equal(1, await page.Locator("script").CountAsync());
        Assert.Equal(0, await page.Locator("#messages img, #messages svg, #messages iframe, #messages form, #messages style, #messages meta, #header img").CountAsync());
        var handlers = await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length");
        Assert.Equal(0, handlers);
        var hrefs = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#messages .body a')].map(a => a.getAttribute('href'))");
        Assert.All(hrefs, href => Assert.Matches("^(https?|mailto):", href));
        Assert.Contains("https://example.org/docs", hrefs);
        Assert.Equal("nofollow noopener noreferrer", await page.Locator("#messages .body a[href='https://example.org/docs']").GetAttributeAsync("rel"));
        await WebFixture.ScreenshotAsync(page, "xss");
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LivePage_ReplayOfAServerPath_IsRefusedWithoutReadingItOrSayingWhetherItExists()
    {
        var (page, _) = await web.NewPageAsync();
        var count = await web.Store.CountConversationsAsync(Crosstalk.Storage.ConversationQuery.All);
        var answers = new List<string>();
        foreach (var path in new[] { "replay:/dev/zero#1", "replay:/no/such/folder/x.md#1" })
        {
            await web.OpenAsync(page, "/live");
            await page.FillAsync("#model1", path);
            await page.FillAsync("#model2", "offline:markov");
            await page.ClickAsync("#start");
            answers.Add(await page.Locator("#form-error").InnerTextAsync());
        }

        // /dev/zero read as a transcript would take seconds and gigabytes; a refusal that differed would tell what exists.
        Assert.Equal("Seat 1: the live page does not replay files; replay a transcript with 'crosstalk run --a replay:FILE#SEAT', or fork a stored conversation here.", answers[0]);
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(count, await web.Store.CountConversationsAsync(Crosstalk.Storage.ConversationQuery.All));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("openai:gpt-4o")]
    [InlineData("moonshotai/kimi-k2")]
    [InlineData("ollama:llama3")]
    public async Task LivePage_AModelOutsideTheCatalog_IsRefusedAndNothingStarts(string model)
    {
        var (page, _) = await web.NewPageAsync();
        var count = await web.Store.CountConversationsAsync(Crosstalk.Storage.ConversationQuery.All);
        await web.OpenAsync(page, "/live");
        await page.FillAsync("#model1", "offline:eliza");
        await page.FillAsync("#model2", model);
        await page.ClickAsync("#start");

        Assert.StartsWith("Seat 2: the live page runs the offline agents and the model catalog's names only", await page.Locator("#form-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(count, await web.Store.CountConversationsAsync(Crosstalk.Storage.ConversationQuery.All));
        // The form offers what it accepts.
        var offered = await page.Locator("#models option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        Assert.Equal(["offline:eliza", "offline:markov"], offered);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LivePage_StartElizaPair_StreamsTokensAndStopInterrupts()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/live");
        await page.FillAsync("#model1", "offline:eliza");
        await page.FillAsync("#model2", "offline:markov");
        await page.FillAsync("textarea[name=opener]", "I feel anxious about talking to machines all day.");
        await page.FillAsync("#stop-policy", "max-messages:400");
        await WebFixture.ScreenshotAsync(page, "live-form");
        await page.ClickAsync("#start");
        await page.WaitForURLAsync(url => url.Contains("/live/", StringComparison.Ordinal));
        Assert.Equal("running", await page.Locator("#status").GetAttributeAsync("data-state"));

        // Tokens arrive over time: the chat grows between two looks (within a few seconds, however busy the machine).
        await page.Locator("#messages li.msg").Nth(2).WaitForAsync();
        var before = (await page.Locator("#messages").InnerTextAsync()).Length;
        var after = before;
        for (var look = 0; look < 40 && after <= before; look++)
        {
            await page.WaitForTimeoutAsync(250);
            after = (await page.Locator("#messages").InnerTextAsync()).Length;
        }

        Assert.True(after > before, $"The chat did not grow in 10 s ({before} then {after} characters).");
        await WebFixture.ScreenshotAsync(page, "live");

        await page.ClickAsync("#stop");
        await page.WaitForURLAsync(url => url.Contains("/live/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("interrupted");
        Assert.False(await page.Locator("#stop").IsVisibleAsync());

        var id = long.Parse(new Uri(page.Url).Segments[^1], CultureInfo.InvariantCulture);
        var stored = await web.Store.GetTranscriptAsync(id);
        Assert.Equal(StopReasons.Interrupted, stored!.Stop?.Reason);
        Assert.True(stored.Messages.Count >= 3);
        Assert.Equal("I feel anxious about talking to machines all day.", stored.Messages[0].Content);

        // The recorded conversation is on the list and readable.
        var count = stored.Messages.Count;
        await page.ClickAsync("text=Open the recorded conversation");
        await Assertions.Expect(page.Locator("#message-count")).ToHaveTextAsync(count.ToString(CultureInfo.InvariantCulture));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ConversationPage_Seed001_ShowsAnalysisWithGoodbyeLoopHighlighted()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/c/" + web.Seed001Id.ToString(CultureInfo.InvariantCulture));

        Assert.Contains("[END] first at message", await page.Locator("#end-signals").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("messages", await page.Locator("#goodbye-loop").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#messages li.goodbye").CountAsync() > 10);
        Assert.True(await page.Locator("#length-chart rect.bar").CountAsync() > 90);
        Assert.True(await page.Locator("#messages .badge-end").CountAsync() > 0);
        await page.Locator("#analysis").ScrollIntoViewIfNeededAsync();
        await WebFixture.ScreenshotAsync(page, "analysis");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CorpusPage_Opened_ShowsPerModelAndPerPairTables()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/corpus");

        // Every stored conversation is counted, or said to be still running (other tests start some) or not analysed yet.
        var count = await page.Locator("#corpus-count").InnerTextAsync();
        var match = System.Text.RegularExpressions.Regex.Match(count, @"Analysed (\d+) of (\d+) matching conversations(?: \((\d+) still running)?");
        var analysed = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var pending = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        Assert.Equal(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), analysed + pending);
        Assert.True(analysed >= 4, count);
        Assert.Contains("Kimi K2", await page.Locator("#models").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#pairs tbody tr").CountAsync() >= 2);
        Assert.True(await page.Locator("#chart-stop rect.bar").CountAsync() >= 2);
        await WebFixture.ScreenshotAsync(page, "corpus");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ForkFromHere_OnSecondMessage_StartsAConversationKeepingTwoMessages()
    {
        var (page, _) = await web.NewPageAsync();
        await web.OpenAsync(page, "/c/" + web.ErrorId.ToString(CultureInfo.InvariantCulture));

        await page.Locator("#m2 a.fork").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("fork=", StringComparison.Ordinal));
        Assert.Equal("offline:eliza", await page.Locator("#model1").InputValueAsync());
        await page.FillAsync("#stop-policy", "max-messages:4");
        await page.ClickAsync("#start");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("max-messages", new() { Timeout = 20_000 });

        var id = long.Parse(new Uri(page.Url).Segments[^1], CultureInfo.InvariantCulture);
        var fork = await web.Store.GetTranscriptAsync(id);
        Assert.Equal(4, fork!.Messages.Count);
        Assert.Equal("The zebrafish **quantum** answer.", fork.Messages[1].Content);
        Assert.Equal(web.ErrorId.ToString(CultureInfo.InvariantCulture), fork.Metadata["parentId"]);
        Assert.Equal(4, await page.Locator("#messages li.msg").CountAsync());
        await page.Context.CloseAsync();
    }
}
