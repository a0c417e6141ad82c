using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using Anthropic;
using Crosstalk.Conversations;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Providers;
using Crosstalk.Stopping;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// Whole-process comparison: N two-seat conversations against the fake provider server (in its own process), once as a
/// bare loop over the official SDK's <see cref="IChatClient"/> and once through <see cref="ModelClientFactory"/> (every
/// middleware) and <see cref="ConversationRunner"/>; same calls, same concurrency, same history growth. Rounds alternate
/// the order; the medians of wall time and of this process's CPU time are compared.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Crosstalk.Benchmarks -- provider-overhead [--api openai|anthropic]
/// [--conversations 256] [--messages 21] [--concurrency 64] [--token-latency-ms 20] [--rounds 6] [--pin] [--calibrate] [--split]
/// [--layers] [--hops N] [--only bare|crosstalk|runner] [--in-memory] [--reply TEXT | @FILE,…] [--bare-without-read-timeout] [--show-requests]
/// [--side-by-side [--versus crosstalk|runner|middleware|bare]] [--gc-events] [--alloc-types]</c>. Use an even number of rounds: the order alternates.
/// <c>--side-by-side</c> runs the bare loop and the other side (Crosstalk by default) each in a process of its own, at the
/// same time (<see cref="SideBySide"/>); <c>--versus</c> picks the other side: the runner over the bare SDK clients, the
/// bare loop over Crosstalk's clients (<c>middleware</c>), or the bare loop again (calibration).
/// <c>--pin</c> keeps this process and the server on different cores; <c>--calibrate</c> measures the bare loop against
/// itself, which shows the noise floor of the comparison on this machine. <c>--token-latency-ms 0</c> with many
/// conversations keeps the process busy, so the thread pool does not spin between events: the steadiest CPU comparison.
/// </remarks>
internal static class ProviderOverheadScenario
{
    private const string ModelA = "fake-a";
    private const string ModelB = "fake-b";

    public static async Task<int> RunAsync(string[] args)
    {
        var api = Options.Text(args, "--api") ?? "openai";
        AppDomain.CurrentDomain.FirstChanceException += (_, _) => Interlocked.Increment(ref s_exceptions);
        var conversations = Options.Int(args, "--conversations", 256);
        var messages = Options.Int(args, "--messages", 21);
        var concurrency = Options.Int(args, "--concurrency", 64);
        var tokenLatencyMs = Options.Int(args, "--token-latency-ms", 20);
        var rounds = Options.Int(args, "--rounds", 6);
        var calibrate = args.Contains("--calibrate");
        var hops = Options.Int(args, "--hops", 0);

        // The reply every call gets; the fake server streams it one word at a time. "Hello." (one piece) is the worst
        // case for per-call costs; the seed conversation's median reply is 7 words, its mean 60. "@FILE,FILE" answers the
        // calls with those transcripts' messages in turn (BenchReplies), e.g. "@shared/seeds/000_9b49a01de80e6c50.txt,shared/seeds/001_56cfc8f72ca96c78.txt".
        var reply = BenchReplies.Anchor(Options.Text(args, "--reply") ?? "Hello.");

        // --bare-without-read-timeout: the bare loop also switches off the OpenAI SDK's per-read timer, as Crosstalk does
        // (its own watchdog bounds the gaps between chunks), to compare like with like rather than with the SDK's defaults.
        var bareWithoutReadTimeout = args.Contains("--bare-without-read-timeout");

        if (args.Contains("--show-requests"))
        {
            return await ShowRequestsAsync(api);
        }

        // --in-memory: no server and no sockets; one reply's exact bytes, captured from the fake server once, are served
        // from memory to both sides, one server-sent event per read after a trip through the thread pool. What is left is
        // the client side alone, without the network stack's and the server process's noise.
        var inMemory = args.Contains("--in-memory");
        if (inMemory && reply.StartsWith('@'))
        {
            throw new ArgumentException("--in-memory serves one captured reply; it cannot be combined with --reply @FILE.");
        }

        if (args.Contains("--side-by-side"))
        {
            return inMemory
                ? throw new ArgumentException("--side-by-side runs each side against a fake server process of its own; it cannot be combined with --in-memory.")
                : await SideBySide.CoordinateAsync(args, api, TimeSpan.FromMilliseconds(tokenLatencyMs), reply, rounds, conversations, conversations * (messages - 1));
        }

        // --gc-events: each round also reports, from the runtime's GC events, what the collections promoted; --alloc-types
        // (with --only) ends with what was allocated, by type, sampled.
        using var gcEvents = args.Contains("--gc-events") || args.Contains("--alloc-types") ? new GcEvents(args.Contains("--alloc-types")) : null;
        s_gcEvents = gcEvents;

        // --serve-side SIDE --endpoint URI: one side of a --side-by-side run, against the server the coordinator started.
        var serveSide = Options.Text(args, "--serve-side");
        await using var server = inMemory || serveSide is not null ? null : await FakeServerProcess.StartAsync(api, TimeSpan.FromMilliseconds(tokenLatencyMs), reply, conversations);
        if (args.Contains("--pin"))
        {
            server?.PinApart();
        }

        var (bytes, mediaType) = inMemory ? await Providers.ReplayTransport.CaptureAsync(api, reply) : (null, null);
        using var replay = inMemory ? new Providers.ReplayTransport.Handler(bytes!, mediaType!, paced: true) : null;
        var endpoint = server?.Endpoint ?? (Options.Text(args, "--endpoint") is { } given ? new Uri(given) : null) ?? new Uri(api == "anthropic" ? "http://127.0.0.1:9/" : "http://127.0.0.1:9/v1/");
        var catalog = FakeCatalog(api, endpoint);

        using var factory = new ModelClientFactory(catalog, new ModelClientFactoryOptions { HttpHandler = replay });
        var crosstalkClients = new[] { factory.CreateClient(ModelA, out _), factory.CreateClient(ModelB, out _) };
        using var http = replay is null ? new HttpClient { Timeout = Timeout.InfiniteTimeSpan } : new HttpClient(replay, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var bareClients = new[] { BareClient(api, endpoint, ModelA, http, bareWithoutReadTimeout), BareClient(api, endpoint, ModelB, http, bareWithoutReadTimeout) };

        // Sides: 0 bare SDK loop, 1 Crosstalk (factory + runner), 2 (with --split) the runner over the bare SDK clients,
        // which splits Crosstalk's cost into runner and middleware.
        var sides = args.Contains("--split") ? 3 : 2;
        // What side 1 is: Crosstalk, or (--calibrate, --hops) the bare loop again.
        var (second, secondMedian, ratioName) = calibrate ? ("bare 2   ", "bare (again)", "bare/bare (calibration)")
            : hops > 0 ? ("layers   ", $"bare + {hops} layers", "layers/bare")
            : ("crosstalk", "crosstalk   ", "crosstalk/bare");
        string[] names = ["bare     ", second, "runner   "];
        Task Run(int side) => side switch
        {
            0 => BareAsync(bareClients, conversations, messages, concurrency),
            // --calibrate: the bare loop against itself, to show how far apart two identical sides measure.
            1 when calibrate => BareAsync(bareClients, conversations, messages, concurrency),
            // --hops N: the bare loop against itself with N do-nothing async iterator layers over each SDK client, to show
            // what one more layer per chunk costs in this scenario.
            1 when hops > 0 => BareAsync(bareClients.Select(c => Providers.PassThroughChatClient.Wrap(c, hops)).ToArray(), conversations, messages, concurrency),
            1 => CrosstalkAsync(crosstalkClients, conversations, messages, concurrency),
            // The bare loop over Crosstalk's clients (every middleware, no runner); --side-by-side --versus middleware only.
            3 => BareAsync(crosstalkClients, conversations, messages, concurrency),
            _ => CrosstalkAsync(bareClients, conversations, messages, concurrency),
        };

        if (serveSide is not null)
        {
            var side = serveSide switch { "bare" => 0, "runner" => 2, "middleware" => 3, _ => 1 };
            return await SideBySide.ServeAsync(() => Run(side), async () =>
            {
                var result = await MeasureAsync(null, () => Run(side));
                return string.Create(CultureInfo.InvariantCulture, $"result {result.Cpu} {result.Wall} {result.Allocated / 1048576.0:0} MB, {result.Collections} GCs, paused {result.GcPause * 1000:0} ms{result.Gc}");
            });
        }

        // Warm-up: one whole unmeasured round of each side, so tiered compilation, the thread pool and the connections
        // have settled before anything is measured (a shorter one left the first measured round up to 2.5 times slower).
        for (var side = 0; side < sides; side++)
        {
            await Run(side);
        }

        if (args.Contains("--layers"))
        {
            return await LayersAsync(server, bareClients, crosstalkClients, conversations, messages, concurrency, rounds, factory);
        }

        if (Options.Text(args, "--only") is { } only)
        {
            // One side alone, for a profiler to attach to (perf record -p PID, dotnet-trace collect -p PID; DOTNET_PerfMapEnabled=1).
            var side = Array.FindIndex(names, n => n.Trim() == only);
            for (var round = 0; round < rounds; round++)
            {
                var result = await MeasureAsync(server, () => Run(side));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{only}: {result}"));
            }

            if (args.Contains("--alloc-types") && gcEvents is not null)
            {
                var types = gcEvents.AllocatedTypes();
                var total = types.Sum(t => t.Bytes);
                foreach (var (type, sampled) in types.Take(40))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sampled * 100.0 / total,6:0.0} %  {type}"));
                }
            }

            return 0;
        }

        var results = Enumerable.Range(0, sides).Select(_ => new List<Measurement>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order so no side always runs on a warmer (or more tired) machine.
            for (var k = 0; k < sides; k++)
            {
                var side = (k + round) % sides;
                var result = await MeasureAsync(server, () => Run(side));
                results[side].Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1} {names[side]}: {result}"));
            }
        }

        var replies = conversations * (messages - 1);
        var ideal = replies * (tokenLatencyMs * ReplyGaps(api, reply) / 1000.0) / concurrency;
        var measured = results.Select(side => side.Select(r => (r.Cpu, r.Wall)).ToList()).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{api}: {conversations} conversations x {messages} messages ({replies} calls), concurrency {concurrency}, {(inMemory ? "replies from memory" : $"{tokenLatencyMs} ms per streamed event, ideal wall {ideal:0.00} s")}"));
        Options.PrintMedians("bare     ", measured[0], replies);
        Options.PrintMedians(secondMedian, measured[1], replies);
        if (sides == 3)
        {
            Options.PrintMedians("runner over bare SDK clients", measured[2], replies);
        }

        Options.PrintRatios(ratioName, measured[0], measured[1]);
        return 0;
    }

    // Experiment: the runner over the SDK clients with one more middleware layer at a time, to see which one costs CPU.
    private static async Task<int> LayersAsync(
        FakeServerProcess? server, IChatClient[] bare, IChatClient[] full, int conversations, int messages, int concurrency, int rounds, ModelClientFactory factory)
    {
        var entry = factory.Catalog.Resolve(ModelA);
        var resilience = new Crosstalk.Models.Middleware.ResilienceOptions();
        var circuit = new Crosstalk.Models.Middleware.EndpointCircuit(resilience);
        IChatClient Reasoning(IChatClient c) => new OpenAIReasoningChatClient(c);
        IChatClient Usage(IChatClient c) => new Crosstalk.Models.Middleware.UsageChatClient(Reasoning(c), entry);
        IChatClient Resilient(IChatClient c) => new Crosstalk.Models.Middleware.ResilientChatClient(Usage(c), resilience, circuit, "x");
        var sides = new (string Name, IChatClient[] Clients)[]
        {
            ("runner   ", bare),
            ("reasoning", bare.Select(Reasoning).ToArray()),
            ("usage    ", bare.Select(Usage).ToArray()),
            ("resilient", bare.Select(Resilient).ToArray()),
            ("factory  ", full),
        };
        foreach (var side in sides)
        {
            await CrosstalkAsync(side.Clients, conversations, messages, concurrency);
        }

        var cpu = sides.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < sides.Length; k++)
            {
                var i = (k + round) % sides.Length;
                var result = await MeasureAsync(server, () => CrosstalkAsync(sides[i].Clients, conversations, messages, concurrency));
                cpu[i].Add(result.Cpu);
                Console.WriteLine($"round {round + 1} {sides[i].Name}: {result}");
            }
        }

        for (var i = 0; i < sides.Length; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {sides[i].Name} cpu {Options.Median(cpu[i]):0.000} s"));
        }

        return 0;
    }

    // Prints the third request body each side sends, to check that both make the same calls.
    private static async Task<int> ShowRequestsAsync(string api)
    {
        await using Crosstalk.Testing.FakeProviders.FakeProviderServer server = api == "anthropic"
            ? await Crosstalk.Testing.FakeProviders.FakeAnthropicServer.StartAsync()
            : await Crosstalk.Testing.FakeProviders.FakeOpenAIServer.StartAsync();
        var catalog = FakeCatalog(api, server.Endpoint);
        using var factory = new ModelClientFactory(catalog);
        using var http = new HttpClient();
        await BareAsync([BareClient(api, server.Endpoint, ModelA, http), BareClient(api, server.Endpoint, ModelB, http)], 1, 4, 1);
        await CrosstalkAsync([factory.CreateClient(ModelA, out _), factory.CreateClient(ModelB, out _)], 1, 4, 1);
        Console.WriteLine("bare:      " + server.Requests[2].Body.ToJsonString());
        Console.WriteLine("crosstalk: " + server.Requests[5].Body.ToJsonString());
        return 0;
    }

    // Gaps between streamed events of a reply (the server waits before every event but the first): OpenAI sends role, one
    // event per word, finish, usage, [DONE]; Anthropic message_start, content_block_start, ping, one event per word,
    // content_block_stop, message_delta, message_stop.
    private static double ReplyGaps(string api, string reply) => (api == "anthropic" ? 5 : 3) + BenchReplies.MeanWords(reply);

    private static async Task<Measurement> MeasureAsync(FakeServerProcess? server, Func<Task> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (s_gcEvents is not null)
        {
            // The runtime hands its events to listeners a little later: let those of the collections above arrive first.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var serverCpu = server?.ProcessorTime ?? TimeSpan.Zero;
        var user = self.UserProcessorTime;
        var exceptions = Volatile.Read(ref s_exceptions);
        var items = ThreadPool.CompletedWorkItemCount;
        var contention = Monitor.LockContentionCount;
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = GC.CollectionCount(0);
        var older = GC.CollectionCount(1);
        var paused = GC.GetTotalPauseDuration();
        var (promoted0, promoted1, suspending) = (s_gcEvents?.Promoted0 ?? 0, s_gcEvents?.Promoted1 ?? 0, s_gcEvents?.Suspending ?? TimeSpan.Zero);
        var (fromStacks, fromOlder) = (s_gcEvents?.MarkedFromStacks ?? 0, s_gcEvents?.MarkedFromOlder ?? 0);
        var clock = Stopwatch.StartNew();
        await run();
        var wall = clock.Elapsed;
        self.Refresh();
        return new Measurement(
            wall.TotalSeconds,
            (self.TotalProcessorTime - cpu).TotalSeconds,
            ((server?.ProcessorTime ?? TimeSpan.Zero) - serverCpu).TotalSeconds,
            GC.GetTotalAllocatedBytes() - allocated,
            GC.CollectionCount(0) - collections,
            GC.CollectionCount(1) - older,
            (GC.GetTotalPauseDuration() - paused).TotalSeconds,
            (self.UserProcessorTime - user).TotalSeconds,
            ThreadPool.ThreadCount,
            ThreadPool.CompletedWorkItemCount - items,
            Monitor.LockContentionCount - contention,
            Volatile.Read(ref s_exceptions) - exceptions,
            s_gcEvents is null ? null : new GcDetail(
                s_gcEvents.Promoted0 - promoted0,
                s_gcEvents.Promoted1 - promoted1,
                s_gcEvents.Generation1,
                (s_gcEvents.Suspending - suspending).TotalSeconds,
                s_gcEvents.MarkedFromStacks - fromStacks,
                s_gcEvents.MarkedFromOlder - fromOlder));
    }

    private static long s_exceptions;
    private static GcEvents? s_gcEvents;

    private sealed record GcDetail(long Promoted0, long Promoted1, long Generation1, double Suspending, long MarkedFromStacks, long MarkedFromOlder)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $", promoted gen0 {Promoted0 / 1048576.0:0.0} MB gen1 {Promoted1 / 1048576.0:0.0} MB, gen1 after {Generation1 / 1048576.0:0.0} MB, suspending {Suspending * 1000:0} ms, found alive through stacks {MarkedFromStacks / 1048576.0:0.0} MB, through older generations {MarkedFromOlder / 1048576.0:0.0} MB");
    }

    private sealed record Measurement(double Wall, double Cpu, double ServerCpu, long Allocated, int Collections, int Gen1, double GcPause, double User, int Threads, long WorkItems, long Contention, long Exceptions, GcDetail? Gc = null)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"wall {Wall:0.000} s, cpu {Cpu:0.000} s (user {User:0.000}), allocated {Allocated / 1048576.0:0} MB, {Collections} GCs ({Gen1} gen1+, paused {GcPause * 1000:0} ms), {Threads} pool threads, {WorkItems} items, {Contention} lock waits, {Exceptions} exceptions (server process cpu {ServerCpu:0.000} s){Gc}");
    }

    private static IChatClient BareClient(string api, Uri endpoint, string model, HttpClient http, bool withoutReadTimeout = false)
    {
        if (api == "anthropic")
        {
            var anthropic = new AnthropicClient(new Anthropic.Core.ClientOptions
            {
                ApiKey = "no-key",
                BaseUrl = endpoint.ToString().TrimEnd('/'),
                HttpClient = http,
                MaxRetries = 0,
            });
            return anthropic.AsIChatClient(model, 4096);
        }

        var options = new OpenAIClientOptions { Endpoint = endpoint, Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(http) };
        if (withoutReadTimeout)
        {
            options.NetworkTimeout = Timeout.InfiniteTimeSpan;
        }

        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("no-key"), options).AsIChatClient();
    }

    // The same conversation shape as the runner's: opener " " from seat 1, then replies in turn, each seat seeing its
    // own messages as assistant and the other's as user.
    private static Task BareAsync(IChatClient[] clients, int conversations, int messages, int concurrency) =>
        Parallel.ForEachAsync(Enumerable.Range(0, conversations), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, cancellationToken) =>
        {
            List<ChatMessage>[] views = [[new ChatMessage(ChatRole.Assistant, " ")], [new ChatMessage(ChatRole.User, " ")]];
            var seat = 1;
            for (var message = 1; message < messages; message++)
            {
                var text = new System.Text.StringBuilder();
                await foreach (var update in clients[seat].GetStreamingResponseAsync(views[seat], cancellationToken: cancellationToken))
                {
                    text.Append(update.Text);
                }

                var reply = text.ToString();
                views[seat].Add(new ChatMessage(ChatRole.Assistant, reply));
                views[1 - seat].Add(new ChatMessage(ChatRole.User, reply));
                seat = 1 - seat;
            }
        });

    private static Task CrosstalkAsync(IChatClient[] clients, int conversations, int messages, int concurrency) =>
        Parallel.ForEachAsync(Enumerable.Range(0, conversations), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, cancellationToken) =>
        {
            var spec = new ConversationSpec
            {
                Seats = [new SeatSpec { Name = "Fake A", Model = ModelA }, new SeatSpec { Name = "Fake B", Model = ModelB }],
                Stop = StopConditions.Default(messages, EndTokenPolicy.Off),
            };
            var runner = new ConversationRunner(spec, clients);
            await foreach (var e in runner.RunAsync(cancellationToken: cancellationToken))
            {
                if (e is ConversationStopped stopped && runner.Transcript.Messages.Count != messages)
                {
                    throw new InvalidOperationException($"A conversation stopped early: {stopped}.");
                }
            }
        });

    /// <summary>A catalog with the two benchmark models on the fake server at <paramref name="endpoint"/>.</summary>
    private static ModelCatalog FakeCatalog(string api, Uri endpoint) => ModelCatalog.Parse($$"""
        providers:
          fake:
            api: {{api}}
            endpoint: {{endpoint}}
        models:
          - { name: {{ModelA}}, display: "Fake A", provider: fake, model: {{ModelA}} }
          - { name: {{ModelB}}, display: "Fake B", provider: fake, model: {{ModelB}} }
        """, "provider-overhead", new SecretStore(Path.Combine(Path.GetTempPath(), "crosstalk-bench-no-secrets.env"), _ => null));
}
