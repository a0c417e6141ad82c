using System.Globalization;
using System.Text.Json;
using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Tests.Runs;

public sealed class RunExecutorTests
{
    private static Experiment Parse(string yaml) => ExperimentFile.Parse(yaml, "test.yaml");

    internal static async Task<string> CreateRunAsync(CrosstalkEngine engine, Experiment experiment, string? output = null)
    {
        var (run, conversations) = ConversationPlanner.PlanRun(experiment, engine.Models, engine.Time.GetLocalNow(), output);
        return await engine.CreateRunAsync(run, conversations);
    }

    [Fact]
    public async Task RunAsync_NewRun_StoresEveryConversationWithItsMessagesStopAndPlan()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var runId = await CreateRunAsync(engine, Parse("models: [offline:eliza, offline:markov]\nrepetitions: 4\nstop: { max_messages: 10 }\nconcurrency: 3\n"));

        var outcome = await engine.Runs.RunAsync(runId);

        Assert.Equal(0, outcome.Unfinished);
        Assert.False(outcome.Interrupted);
        Assert.Equal(8, outcome.RanHere);
        var numbers = new List<int>();
        await foreach (var summary in engine.Store.ListConversationsAsync(new ConversationQuery { RunId = runId }))
        {
            var transcript = (await engine.Store.GetTranscriptAsync(summary.Id))!;
            Assert.NotNull(transcript.Stop);
            Assert.InRange(transcript.Messages.Count, 2, 10);
            Assert.Equal(" ", transcript.Messages[0].Content);
            Assert.Contains(transcript.Stop!.Reason, new[] { StopReasons.EndToken, StopReasons.MaxMessages });
            numbers.Add(int.Parse(transcript.Metadata[PlanMetadataKeys.Number], CultureInfo.InvariantCulture));
            Assert.Contains(PlanMetadataKeys.Seed, transcript.Metadata.Keys);
            Assert.Contains("another AI model", transcript.Participants[0].SystemPrompt, StringComparison.Ordinal);
            var plan = (await engine.GetPlanAsync(summary.Id))!;
            Assert.Equal("end-token:any | max-messages:10", plan.StopPolicy);
            Assert.Equal(int.Parse(transcript.Metadata[PlanMetadataKeys.Seed], CultureInfo.InvariantCulture), plan.Seed);
        }

        Assert.Equal(Enumerable.Range(1, 8), numbers.Order());
        Assert.Equal(0, await engine.Store.CountConversationsAsync(new ConversationQuery { RunId = runId, UnfinishedOnly = true }));
    }

    [Fact]
    public async Task RunAsync_CancelledMidwayThenRunAgain_TranscriptsEqualAnUninterruptedRun()
    {
        var experiment = Parse("models: [offline:eliza, offline:markov]\nrepetitions: 10\nstop: { max_messages: 12 }\nconcurrency: 5\nseed: 3\n");
        await using var reference = await EngineHarness.OpenAsync();
        var referenceRun = await CreateRunAsync(reference, experiment);
        await reference.Runs.RunAsync(referenceRun);

        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        using var cancelling = new TestModels((_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 12)
            {
                cancellation.Cancel();
            }

            return null;
        });
        var database = EngineHarness.NewDatabase();
        string runId;
        await using (var engine = await EngineHarness.OpenAsync(cancelling, database))
        {
            runId = await CreateRunAsync(engine, experiment);
            var first = await engine.Runs.RunAsync(runId, cancellationToken: cancellation.Token);
            Assert.True(first.Interrupted);
            Assert.True(first.Unfinished > 0);
        }

        await using var again = await EngineHarness.OpenAsync(database: database);
        var second = await again.Runs.RunAsync(runId);

        Assert.Equal(0, second.Unfinished);
        Assert.Equal(await ContentsAsync(reference.Store, referenceRun), await ContentsAsync(again.Store, runId));
    }

    [Fact]
    public async Task RunAsync_LastStoredMessageAlreadyReachedTheCap_CompletesWithoutAnotherMessage()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var runId = await CreateRunAsync(engine, Parse("models: [offline:eliza]\npairs: self\nrepetitions: 1\nstop: { max_messages: 3, end_policy: off }\n"));
        var id = (await engine.Store.GetUnfinishedConversationsAsync(runId)).Single();
        string[] texts = [" ", "Hello.", "Hi there."];
        for (var i = 0; i < texts.Length; i++)
        {
            await engine.Store.AppendMessageAsync(id, i + 1, new TranscriptMessage { Seat = (i % 2) + 1, Speaker = "ELIZA", Content = texts[i] });
        }

        await engine.Runs.RunAsync(runId);

        var transcript = (await engine.Store.GetTranscriptAsync(id))!;
        Assert.Equal(texts, transcript.Messages.Select(m => m.Content));
        Assert.Equal(StopReasons.MaxMessages, transcript.Stop!.Reason);
        Assert.Equal(3, transcript.Stop.Message);
    }

    [Fact]
    public async Task RunAsync_Concurrency512_AllConversationsWaitOnTheirModelsAtOnce()
    {
        // Long enough that starting all 512 conversations on a busy 2-core machine takes less than one reply.
        var latency = TimeSpan.FromSeconds(2);
        var inFlight = new PacedChatClient.Counter();
        using var paced = new TestModels((reference, _) => new PacedChatClient(reference, latency, inFlight: inFlight));
        await using var engine = await EngineHarness.OpenAsync(paced);
        var runId = await CreateRunAsync(engine, Parse("models: [a, b]\nrepetitions: 256\nstop: { max_messages: 3 }\nconcurrency: 512\n"));

        var outcome = await engine.Runs.RunAsync(runId);

        Assert.Equal(0, outcome.Unfinished);
        Assert.Equal(512, inFlight.Peak);
        var run = (await engine.Store.GetRunSummaryAsync(runId))!;
        Assert.Equal(512 * 3, run.Messages);
    }

    [Fact]
    public async Task RunAsync_CostCeilingReached_StopsStartingConversationsAndLeavesThemResumable()
    {
        using var priced = new TestModels((reference, _) => new PacedChatClient(reference, TimeSpan.Zero, cost: 0.25m));
        await using var engine = await EngineHarness.OpenAsync(priced);
        var runId = await CreateRunAsync(engine, Parse("models: [a, b]\nrepetitions: 5\nstop: { max_messages: 5 }\nconcurrency: 1\ncost_ceiling: 2.00\n"));

        var outcome = await engine.Runs.RunAsync(runId);

        Assert.True(outcome.CostCeilingReached);
        // Each conversation costs 4 × $0.25; the ceiling (read from the store) is reached after two.
        Assert.Equal(8, outcome.Unfinished);
        Assert.Equal(2.00m, (await engine.Store.GetRunSummaryAsync(runId))!.TotalCost);

        // At the same ceiling a resume would stop at once; a higher one lets it go on, counting what was spent before.
        var same = await engine.Runs.RunAsync(runId);
        Assert.Equal((true, 8), (same.CostCeilingReached, same.Unfinished));
        var raised = await engine.Runs.RunAsync(runId, new Engine.Runs.RunOptions { CostCeiling = 4.00m });
        Assert.Equal((true, 6), (raised.CostCeilingReached, raised.Unfinished));
        Assert.Equal(4.00m, (await engine.Store.GetRunSummaryAsync(runId))!.TotalCost);
    }

    [Fact]
    public async Task RunAsync_WithOutputDirectory_WritesTheOriginalSystemsFilesPerConversation()
    {
        await using var engine = await EngineHarness.OpenAsync();
        var output = EngineHarness.NewFolder();
        var runId = await CreateRunAsync(engine, Parse("models: [offline:eliza, offline:markov]\nrepetitions: 2\nstop: { max_messages: 6 }\n"), output);

        await engine.Runs.RunAsync(runId);

        var markdown = Directory.GetFiles(output, "*.md").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, markdown.Count);
        Assert.Matches(@"^ELIZA_vs_Markov_\d{8}_\d{6}_run1\.md$", markdown[0]);
        Assert.Matches(@"^Markov_vs_ELIZA_\d{8}_\d{6}_run2\.md$", markdown[3]);
        foreach (var file in Directory.GetFiles(output, "*.md"))
        {
            var fromMarkdown = SeedMarkdown.ReadFile(file);
            var fromJson = OriginalJson.ReadFile(Path.ChangeExtension(file, ".json"));
            Assert.Equal(fromMarkdown.Messages.Select(m => m.Content), fromJson.Messages.Select(m => m.Content));
            Assert.NotNull(fromMarkdown.Ended);
        }
    }

    internal static async Task<List<string>> ContentsAsync(ITranscriptStore store, string runId)
    {
        var list = new List<(int, string)>();
        await foreach (var transcript in store.ReadTranscriptsAsync(new ConversationQuery { RunId = runId }))
        {
            var number = int.Parse(transcript.Metadata[PlanMetadataKeys.Number], CultureInfo.InvariantCulture);
            list.Add((number, JsonSerializer.Serialize(new
            {
                transcript.Title,
                Seats = transcript.Participants.Select(p => p.Model),
                Messages = transcript.Messages.Select(m => $"{m.Seat}:{m.Content}"),
                transcript.Stop,
            })));
        }

        return [.. list.OrderBy(x => x.Item1).Select(x => x.Item2)];
    }
}
