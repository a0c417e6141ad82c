using System.Text.Json;
using Crosstalk.Analysis.Judge;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Exports;
using Crosstalk.Engine.Imports;
using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Exports;

/// <summary>
/// A store as a user's would hold it: a batch run of offline agents (seeded, with sampling options), a judge's labels on
/// one of its conversations, a conversation started on its own with costs and a failed attempt, and the seed 001
/// transcript imported from its file.
/// </summary>
internal sealed class ExportFixture : IAsyncDisposable
{
    public const string Experiment =
        "name: demo\nmodels:\n  - model: offline:eliza\n    temperature: 0.7\n    max_tokens: 300\n  - offline:markov\nopeners: [\" \", \"Hello.\"]\nrepetitions: 2\nstop: { max_messages: 8 }\nseed: 42\n";

    private ExportFixture(CrosstalkEngine engine, string runId, long single, long judged, long imported)
    {
        Engine = engine;
        RunId = runId;
        Single = single;
        Judged = judged;
        Imported = imported;
    }

    public CrosstalkEngine Engine { get; }

    public ITranscriptStore Store => Engine.Store;

    public string RunId { get; }

    /// <summary>The conversation outside any run.</summary>
    public long Single { get; }

    /// <summary>The batch conversation a judge labelled topic "philosophy".</summary>
    public long Judged { get; }

    /// <summary>The imported seed 001.</summary>
    public long Imported { get; }

    public static async Task<ExportFixture> CreateAsync(string? database = null)
    {
        var engine = await EngineHarness.OpenAsync(database: database);
        var (run, planned) = ConversationPlanner.PlanRun(ExperimentFile.Parse(Experiment, "demo.yaml"), engine.Models, engine.Time.GetLocalNow(), null);
        var runId = await engine.CreateRunAsync(run, planned);
        await engine.Runs.RunAsync(runId);

        long judged = 0;
        await foreach (var summary in engine.Store.ListConversationsAsync(new ConversationQuery { RunId = runId, Limit = 1 }))
        {
            judged = summary.Id;
        }

        var transcript = (await engine.Store.GetTranscriptAsync(judged))!;
        using (var answer = JsonDocument.Parse("""{"topic":"philosophy"}"""))
        {
            JudgeScorer.Attach(transcript, [new JudgeResult("topic-label", "openai:gpt-4.1-mini", null, answer.RootElement.Clone(), Cached: false)]);
        }

        var key = JudgeScorer.MetadataKey("topic-label", "openai:gpt-4.1-mini");
        await engine.Store.SetConversationMetadataAsync(judged, key, transcript.Metadata[key]);

        var started = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.FromHours(1));
        var single = new Transcript
        {
            Title = "Kimi K2 ↔ GPT-4o",
            Participants = [new Participant(1, "Kimi K2", "openrouter:moonshotai/kimi-k2-0905", "Be brief."), new Participant(2, "GPT-4o", "openai:gpt-4o", "Be brief.")],
            Started = started,
            Ended = started.AddSeconds(9),
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "Kimi K2", Content = " ", Timestamp = started },
                new TranscriptMessage
                {
                    Seat = 2, Speaker = "GPT-4o", Content = "Hello! What shall we talk about?", Timestamp = started.AddSeconds(2),
                    Usage = new TokenUsage(40, 9), Cost = 0.000190m, Latency = TimeSpan.FromMilliseconds(812.5), TimeToFirstToken = TimeSpan.FromMilliseconds(301.25), FinishReason = "stop",
                    Attempts = [new Attempt(1, "HTTP 429: rate limited", 429, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1))],
                },
                new TranscriptMessage
                {
                    Seat = 1, Speaker = "Kimi K2", Content = "Tides. Goodbye for now. [END]", Timestamp = started.AddSeconds(9),
                    Usage = new TokenUsage(55, 8, 120), Cost = 0.0000413m, FinishReason = "stop", Reasoning = "Keep it short.",
                },
            ],
            Stop = new StopInfo(StopReasons.EndToken, 1, 3, "Kimi K2 ended the conversation with [END]."),
        };
        var plan = new ConversationPlan
        {
            Seats = [new SeatPlan("Kimi K2", "openrouter:moonshotai/kimi-k2-0905", "Be brief.", 0.6f), new SeatPlan("GPT-4o", "openai:gpt-4o", "Be brief.", MaxTokens: 512, BlankMessage: "(silence)")],
            Seed = 7,
            StopPolicy = "end-token:any | max-messages:20",
        };
        var singleId = await engine.Store.CreateConversationAsync(null, single, PlanJson.Write(plan));

        var importer = new TranscriptImporter(engine.Store);
        var seed = TranscriptFile.Read(SharedFiles.Seed001);
        var imported = (await importer.AddAsync(seed, "001_56cfc8f72ca96c78.txt", "import seeds", SharedFiles.Seeds))!.Value;
        return new ExportFixture(engine, runId, singleId, judged, imported);
    }

    /// <summary>Exports what <paramref name="runs"/> and <paramref name="ids"/> select (everything when both are empty) into a new folder.</summary>
    public async Task<(string Folder, ExportResult Result, ConversationExporter Exporter)> ExportAsync(
        string format, ExportFilter? filter = null, DatasetSplits? splits = null, IReadOnlyList<string>? runs = null, IReadOnlyList<long>? ids = null, string name = "demo")
        => await ExportAsync(Store, format, filter, splits, runs, ids, name);

    public static async Task<(string Folder, ExportResult Result, ConversationExporter Exporter)> ExportAsync(
        ITranscriptStore store, string format, ExportFilter? filter = null, DatasetSplits? splits = null, IReadOnlyList<string>? runs = null, IReadOnlyList<long>? ids = null, string name = "demo")
    {
        var folder = EngineHarness.NewFolder();
        var exporter = new ConversationExporter(store, new StoredAnalyses(store));
        var result = await ExportWriter.WriteAsync(exporter.ReadAsync(runs ?? [], ids ?? [], filter ?? new ExportFilter()), format, folder, name, splits ?? DatasetSplits.Single, []);
        return (folder, result, exporter);
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
