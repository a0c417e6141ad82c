using System.Diagnostics;
using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Web;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// The web viewer on a large SQLite store: fills a store with N small conversations through the store API, starts
/// <see cref="CrosstalkWebServer"/> on it and times its pages over HTTP (median of several requests each).
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- web-large-store [--conversations 100000] [--requests 10]
/// [--db path-to-keep-or-reuse.db] [--writers 8]</c>.
/// </remarks>
internal static class WebLargeStoreScenario
{
    private const string RareWord = "xylophonist";
    private const int RareEvery = 20_000;
    private static readonly string[] StopReasons = ["max-messages", "end-token", "error", "interrupted"];
    private static readonly string[] Words =
        ["harbour", "lantern", "orchard", "meadow", "compass", "ember", "quarry", "willow", "signal", "marble", "thistle", "canyon"];

    public static async Task<int> RunAsync(string[] args)
    {
        var conversations = Options.Int(args, "--conversations", 100_000);
        var requests = Options.Int(args, "--requests", 10);
        var writers = Options.Int(args, "--writers", 8);
        var keep = Options.Text(args, "--db");
        var db = keep ?? Path.Combine(Path.GetTempPath(), "crosstalk-web-bench-" + Guid.NewGuid().ToString("N")[..8], "large.db");
        try
        {
            await using var store = await TranscriptStore.OpenAsync(db);
            await FillAsync(store, conversations, writers);

            await using var engine = new Crosstalk.Engine.CrosstalkEngine(store, new Crosstalk.Testing.TestModels());

            // The corpus tables sum the analysis kept with each conversation; a store filled here has none yet (a batch or
            // an import keeps it as it goes), so they are made first, as the server's background catch-up would.
            var analysing = Stopwatch.StartNew();
            var analysed = await engine.Analyses.CatchUpAsync(ConversationQuery.All);
            if (analysed > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"analysed and kept {analysed:N0} conversations in {analysing.Elapsed.TotalSeconds:0.0} s ({analysed / analysing.Elapsed.TotalSeconds:0}/s)"));
            }

            await using var server = await CrosstalkWebServer.StartAsync(new WebServerOptions { Engine = engine, AnalysisCatchUpInterval = TimeSpan.Zero });
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
            var lastPage = (conversations / 50) - 1;
            var pages = new (string Name, string Path)[]
            {
                ("list, first page", "/"),
                ("list, filtered by model", "/?model=bench:model-3"),
                ("list, filtered by stop reason and length, page 20", "/?stop=error&min=4&page=20"),
                ("list, filtered by date range", "/?from=2025-03-01&to=2025-03-31"),
                ($"list, deep page (offset {lastPage * 50:N0})", $"/?page={lastPage + 1}"),
                ("list, filtered by text (rare word)", $"/?q={RareWord}"),
                ("search, rare word", $"/search?q={RareWord}"),
                ("search, common word", "/search?q=harbour"),
                ("conversation page", $"/c/{conversations / 2}"),
                ("runs page", "/runs"),
                ("corpus, every conversation", "/corpus"),
                ("corpus, filtered by model", "/corpus?model=bench:model-3"),
                ("corpus, filtered by stop reason", "/corpus?stop=error"),
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{conversations:N0} conversations, median of {requests} requests (first request not counted):"));
            Console.WriteLine("| Page | URL | Median | Slowest | Size |");
            Console.WriteLine("|---|---|---:|---:|---:|");
            foreach (var (name, path) in pages)
            {
                var times = new List<double>();
                long size = 0;
                for (var i = 0; i <= requests; i++)
                {
                    var clock = Stopwatch.StartNew();
                    using var response = await http.GetAsync(path);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var elapsed = clock.Elapsed.TotalMilliseconds;
                    response.EnsureSuccessStatusCode();
                    size = body.Length;
                    if (i > 0)
                    {
                        times.Add(elapsed);
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | `{path}` | {Options.Median(times):0.0} ms | {times.Max():0.0} ms | {size / 1024.0:0} KB |"));
            }
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(Path.GetDirectoryName(db)!, recursive: true);
            }
        }

        return 0;
    }

    /// <summary>Adds conversations until the store holds <paramref name="conversations"/>, from <paramref name="writers"/> tasks at once.</summary>
    internal static async Task FillAsync(ITranscriptStore store, int conversations, int writers)
    {
        var db = store.Description;
        var existing = await store.CountConversationsAsync(ConversationQuery.All);
        if (existing >= conversations)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        var next = (int)existing;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= conversations)
            {
                await store.CreateConversationAsync(null, Conversation(n), null);
                if (n % 10_000 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n:N0} conversations, {clock.Elapsed.TotalSeconds:0} s"));
                }
            }
        })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"filled {conversations - existing:N0} conversations in {clock.Elapsed.TotalSeconds:0.0} s ({(conversations - existing) / clock.Elapsed.TotalSeconds:0}/s) in {db}"));
    }

    // Small conversations: 4 messages, 10 models, 4 stop reasons, a year of start dates; one in RareEvery mentions the rare word.
    internal static Transcript Conversation(int n)
    {
        var started = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n * 5.25);
        var a = $"bench:model-{n % 10}";
        var b = $"bench:model-{(n / 10) % 10}";
        var messages = new List<TranscriptMessage>();
        for (var i = 1; i <= 4; i++)
        {
            var text = $"{Words[(n + i) % Words.Length]} and {Words[(n * 7 + i) % Words.Length]}: message {i} of conversation {n}, the {Words[(n * 3 + i) % Words.Length]} again."
                + (i == 3 && n % RareEvery == 0 ? $" A {RareWord} walked in." : "");
            messages.Add(new TranscriptMessage
            {
                Seat = i % 2 == 1 ? 1 : 2,
                Speaker = i % 2 == 1 ? "A" : "B",
                Content = text,
                Timestamp = started.AddSeconds(i),
                Usage = new TokenUsage(100 * i, 40),
                Latency = TimeSpan.FromMilliseconds(800),
            });
        }

        return new Transcript
        {
            Started = started,
            Ended = started.AddSeconds(5),
            Stop = new StopInfo(StopReasons[n % StopReasons.Length], null, null, null),
            Participants = [new Participant(1, "A", a), new Participant(2, "B", b)],
            Messages = messages,
        };
    }
}
