using System.Net;
using System.Net.Http.Headers;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Web.Tests;

// In the browser tests' collection, so that its store-filling tests do not run beside them on a 2-core CI machine.
[Collection(WebCollection.Name)]
public sealed class ServerSecurityTests : OwnStoreTests
{
    // The viewer's own engine: offline agents that type a word every 30 ms, as crosstalk serve's do.
    protected override Crosstalk.Engine.CrosstalkEngine CreateEngine(ITranscriptStore store) => WebFixture.OpenEngine(store);

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public async Task StartAsync_NonLoopbackWithoutToken_IsRefused(string host)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, Host = host }));
        Assert.Contains("needs an access token (--token)", error.Message, StringComparison.Ordinal);
        Assert.Contains(host, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ShortToken_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, Host = "0.0.0.0", AccessToken = "abc" }));

        Assert.StartsWith("An access token of 3 character(s) is too easy to guess; use at least 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_Defaults_ListensOnLoopbackOnly()
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });

        Assert.Equal("127.0.0.1", server.Address.Host);
        Assert.True(server.Address.Port > 0);
        Assert.Equal(string.Empty, server.Address.Query);
        using var http = new HttpClient();
        using var response = await http.GetAsync(server.Address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ThatThrows_AnswersWithAnErrorPageAndReportsOneLine()
    {
        var store = await TranscriptStore.OpenAsync(Path.Combine(Folder, "closed.db"));
        var engine = WebFixture.OpenEngine(store);
        var log = new StringWriter();
        await using (var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = engine, ErrorLog = log, AnalysisCatchUpInterval = TimeSpan.Zero }))
        {
            // A store closed under the server: every page that reads it throws.
            await store.DisposeAsync();
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(server.Address, "/c/1"));

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains("This page could not be shown", page, StringComparison.Ordinal);
            Assert.Contains("bug in Crosstalk", page, StringComparison.Ordinal);
            var line = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: GET /c/1: ObjectDisposedException: ", line, StringComparison.Ordinal);
        }

        await engine.DisposeAsync();
    }

    [Theory]
    [InlineData("/?page=46000000", "No conversations on this page.")]
    [InlineData("/search?q=%22", "said \"hello\"")]
    [InlineData("/search?q=%22%22", "No message matches.")]
    public async Task Request_OddButHarmlessQuery_AnswersAPage(string path, string expected)
    {
        var transcript = new Transcript { Title = "A ↔ B", Participants = [new Participant(1, "A", "offline:eliza"), new Participant(2, "B", "offline:markov")] };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "She said \"hello\" twice." });
        await Store.CreateConversationAsync(null, transcript, null);
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, AnalysisCatchUpInterval = TimeSpan.Zero });
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(server.Address, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(expected), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quotes")]
    [InlineData("list")]
    [InlineData("brackets")]
    [InlineData("links")]
    public async Task ConversationPage_MessageNestedDeeperThanMarkdownCanTake_IsShownAsText(string kind)
    {
        // What a model stuck in an attractor writes: Markdig refused the first three (HTTP 500), and took 11 s on the last.
        var text = kind switch
        {
            "quotes" => new string('>', 100_000) + " deep <b>",
            "list" => string.Concat(Enumerable.Range(0, 400).Select(i => new string(' ', 2 * i) + "- item <b>\n")),
            "brackets" => new string('[', 100_000) + "x <b>" + new string(']', 100_000),
            _ => string.Concat(Enumerable.Repeat("[a](", 60_000)) + " <b>",
        };
        var transcript = new Transcript { Title = "A ↔ B", Participants = [new Participant(1, "A", "offline:eliza"), new Participant(2, "B", "offline:markov")] };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Hello." });
        transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = text });
        var id = await Store.CreateConversationAsync(null, transcript, null);
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, AnalysisCatchUpInterval = TimeSpan.Zero });
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(server.Address, "/c/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<pre><code>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_BidirectionalOverrideInANameOrMessage_IsShownAsAReplacementCharacter()
    {
        // An imported name and a reply can hold U+202E: acted on, it makes the title or the message read backwards.
        var transcript = new Transcript { Title = "A\u202E ↔ B", Participants = [new Participant(1, "A\u202E", "offline:eliza"), new Participant(2, "B", "offline:markov")] };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A\u202E", Content = "Open \u2067gnp.exe\u2069 please." });
        transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "No." });
        var id = await Store.CreateConversationAsync(null, transcript, null);
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, AnalysisCatchUpInterval = TimeSpan.Zero });
        using var http = new HttpClient();

        foreach (var path in new[] { "/c/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), "/", "/search?q=please" })
        {
            var page = System.Net.WebUtility.HtmlDecode(await http.GetStringAsync(new Uri(server.Address, path)));

            Assert.DoesNotContain(page, c => ErrorText.Reorders(c));
            Assert.Contains("A\ufffd", page, StringComparison.Ordinal);
        }

        var conversation = System.Net.WebUtility.HtmlDecode(await http.GetStringAsync(new Uri(server.Address, "/c/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Contains("Open \ufffdgnp.exe\ufffd please.", conversation, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveEvents_TextTheScriptInserts_HasItsOverridesShownAsReplacementCharacters()
    {
        var cursor = new Crosstalk.Engine.Live.LiveCursor(0);
        var updates = new Crosstalk.Engine.Live.LiveUpdate[]
        {
            new Crosstalk.Engine.Live.LiveMessageStarted(cursor, 1, 1, "A\u202E"),
            new Crosstalk.Engine.Live.LiveTextAppended(cursor, 1, "half \u202Eway"),
            new Crosstalk.Engine.Live.LiveStopped(cursor, new StopInfo(StopReasons.Error, Detail: "provider said \u2066no")),
        };

        foreach (var update in updates)
        {
            var json = System.Text.Json.JsonDocument.Parse(Crosstalk.Web.Live.LiveEvents.Serialize(1, update).Json).RootElement;
            var text = string.Concat(json.EnumerateObject().Where(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String).Select(p => p.Value.GetString()));

            Assert.DoesNotContain(text, c => ErrorText.Reorders(c));
            Assert.Contains('\ufffd', text);
        }
    }

    [Fact]
    public async Task Search_MarksEveryPlaceAHitHoldsATerm_IgnoringCaseAndAccents_TheRestEscaped()
    {
        var transcript = new Transcript { Title = "A ↔ B", Participants = [new Participant(1, "A", "offline:eliza"), new Participant(2, "B", "offline:markov")] };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "<script>alert(1)</script> The Café opens; a cafe closes." });
        transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Cafe at the cafeteria." });
        await Store.CreateConversationAsync(null, transcript, null);
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, AnalysisCatchUpInterval = TimeSpan.Zero });
        using var http = new HttpClient();

        var page = await http.GetStringAsync(new Uri(server.Address, "/search?q=cafe"));

        Assert.Contains("The <mark>Café</mark> opens; a <mark>cafe</mark> closes.", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);

        // A word is marked where the search finds it, as a whole word: not inside "cafeteria".
        Assert.Contains("<mark>Cafe</mark> at the cafeteria.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ForeignHostHeaderWithoutToken_IsRefused()
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Address);
        request.Headers.Host = "attacker.example";

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithoutTokenWhenTokenSet_Is401()
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, Host = "0.0.0.0", AccessToken = "s3cret-token-0123" });
        Assert.Equal("token=s3cret-token-0123", server.Address.Query.TrimStart('?'));
        var bare = new Uri($"http://127.0.0.1:{server.Address.Port}/");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        using var none = await http.GetAsync(bare);
        using var wrong = await http.GetAsync(new Uri(bare, "/?token=wrong"));
        using var asset = await http.GetAsync(new Uri(bare, "/assets/app.js"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("access token", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asset.StatusCode);
    }

    [Fact]
    public async Task Request_WithToken_IsServedAndRemembered()
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine, AccessToken = "s3cret-token-0123" });
        var bare = new Uri($"http://127.0.0.1:{server.Address.Port}/");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        using var first = await http.GetAsync(new Uri(bare, "/runs?token=s3cret-token-0123"));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/runs", first.Headers.Location!.OriginalString);
        var cookie = first.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, new Uri(bare, "/runs"));
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var second = await http.SendAsync(withCookie);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri(bare, "/"));
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token-0123");
        using var third = await http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task StartLive_PostWithoutFormKey_IsRefused()
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["model1"] = "offline:eliza", ["model2"] = "offline:eliza" });

        using var response = await http.PostAsync(new Uri(server.Address, "/live"), form);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await Store.CountConversationsAsync(ConversationQuery.All));
    }

    [Theory]
    [InlineData("GET", "/c/-1", HttpStatusCode.NotFound)]
    [InlineData("GET", "/c/+1", HttpStatusCode.NotFound)]
    [InlineData("GET", "/c/-5/download.json", HttpStatusCode.NotFound)]
    [InlineData("GET", "/live/-1/events", HttpStatusCode.NotFound)]
    [InlineData("POST", "/live/-1/stop", HttpStatusCode.NotFound)]
    [InlineData("POST", "/live/5/stop", HttpStatusCode.Forbidden)]
    [InlineData("POST", "/live", HttpStatusCode.Forbidden)]
    public async Task Request_ImpossibleIdOrPostWithoutAForm_IsAnsweredWithAPageNotAServerError(string method, string path, HttpStatusCode expected)
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.Address, path));
        if (method == "POST" && path == "/live")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/?to=9999-12-31")]
    [InlineData("/?from=0001-01-01&to=9999-12-31")]
    [InlineData("/corpus?to=9999-12-31")]
    public async Task DateFilter_AtTheEndsOfTheCalendar_IsAnsweredNotAServerError(string path)
    {
        await NewConversationAsync(2, i => $"Message {i}.");
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(server.Address, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/live", "application/x-www-form-urlencoded", "opener=a%00b&model1=offline:eliza&model2=offline:markov")]
    [InlineData("/live", "application/x-www-form-urlencoded", "q%00=1")]
    [InlineData("/live/5/stop", "application/x-www-form-urlencoded", "_k=%00")]
    [InlineData("/live", "multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb")]
    public async Task Post_FormTheFormReaderRefuses_IsA400PageNotAServerError(string path, string type, string body)
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", type);

        using var response = await http.PostAsync(new Uri(server.Address, path), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form cannot be read", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Store.CountConversationsAsync(ConversationQuery.All));
    }

    [Theory]
    [InlineData("1", "3", "max-messages:3", "must be more")]
    [InlineData("abc", "3", "max-messages:10", "is not a conversation to fork")]
    [InlineData("", "", "bogus", "Unknown stop condition")]
    public async Task StartLive_BadForkOrPolicy_ShowsTheFormWithOneSentenceAndStartsNothing(string fork, string at, string stop, string expected)
    {
        await NewConversationAsync(3, i => $"Message {i}.");

        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();
        var page = await http.GetStringAsync(new Uri(server.Address, "/live"));
        var key = System.Text.RegularExpressions.Regex.Match(page, "name=\"_k\" value=\"([0-9A-F]+)\"").Groups[1].Value;
        Assert.NotEmpty(key);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_k"] = key, ["model1"] = "offline:eliza", ["model2"] = "offline:markov", ["fork"] = fork, ["at"] = at, ["stop"] = stop,
        });

        using var response = await http.PostAsync(new Uri(server.Address, "/live"), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", html, StringComparison.Ordinal);
        Assert.Equal(1, await Store.CountConversationsAsync(ConversationQuery.All));
    }

    [Fact]
    public async Task Search_MoreThanAPageOfMatches_PagesThroughAllOfThem()
    {
        await NewConversationAsync(105, i => $"lighthouse number {i}");

        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();

        var first = await http.GetStringAsync(new Uri(server.Address, "/search?q=lighthouse"));
        var second = await http.GetStringAsync(new Uri(server.Address, "/search?q=lighthouse&page=2"));

        Assert.Contains("Matching messages 1–100", first, StringComparison.Ordinal);
        Assert.Contains("page=2", first, StringComparison.Ordinal);
        Assert.Contains("Matching messages 101–105", second, StringComparison.Ordinal);
        Assert.Contains("#m105", second, StringComparison.Ordinal);
        Assert.DoesNotContain("#m100\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("page=3", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_PastTheLastPageOrOfAnEmptyConversation_OfferOnlyLinksThatLeadSomewhere()
    {
        for (var i = 0; i <= Crosstalk.Web.Pages.ListFilters.PageSize; i++)
        {
            await NewConversationAsync(0, _ => "");
        }

        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();

        var past = await http.GetStringAsync(new Uri(server.Address, "/?page=9"));
        var empty = await http.GetStringAsync(new Uri(server.Address, "/c/1"));

        Assert.Contains("First page", past, StringComparison.Ordinal);
        Assert.Contains("page=2", past, StringComparison.Ordinal);
        Assert.DoesNotContain("page=8", past, StringComparison.Ordinal);
        Assert.DoesNotContain("Continue in a fork", empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_IsAnsweredLikeGetWithoutABody()
    {
        await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = Engine });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(server.Address, "/"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    // A conversation between A (offline:eliza) and B (offline:markov), outside any run, with messages 1..count.
    private async Task<long> NewConversationAsync(int count, Func<int, string> content)
    {
        var id = await Store.CreateConversationAsync(null, new Crosstalk.Transcripts.Transcript
        {
            Participants = [new Crosstalk.Transcripts.Participant(1, "A", "offline:eliza"), new Crosstalk.Transcripts.Participant(2, "B", "offline:markov")],
        }, null);
        for (var i = 1; i <= count; i++)
        {
            await Store.AppendMessageAsync(id, i, new Crosstalk.Transcripts.TranscriptMessage { Seat = ((i - 1) % 2) + 1, Speaker = i % 2 == 1 ? "A" : "B", Content = content(i) });
        }

        return id;
    }
}
