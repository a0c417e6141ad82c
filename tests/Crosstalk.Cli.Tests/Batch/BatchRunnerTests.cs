using System.Text.Json;
using Crosstalk.Cli.Batch;
using Crosstalk.Cli.Commands;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Spectre.Console.Testing;

namespace Crosstalk.Cli.Tests.Batch;

public sealed class BatchRunnerTests
{
    private static readonly CliContext Context = new(new TestConsole(), TextWriter.Null, TextWriter.Null, TimeProvider.System, _ => null, Path.GetTempPath());

    private static readonly ModelResolver Resolver = new(Context, 1, TimeSpan.Zero);

    private static BatchModelFactory Offline => BatchSession.Models(Resolver);

    private static Experiment Parse(string yaml) => ExperimentFile.Parse(yaml, "test.yaml");

    private static async Task<ITranscriptStore> NewStoreAsync() =>
        await TranscriptStore.OpenAsync(Path.Combine(CrosstalkProcess.NewTempDirectory(), "store.db"));

    [Fact]
    public async Task RunAsync_NewRun_StoresEveryConversationWithItsMessagesStopAndPlan()
    {
        await using var store = await NewStoreAsync();
        var runner = new BatchRunner(store, Offline, TimeProvider.System);
        var runId = await runner.CreateRunAsync(Parse("models: [offline:eliza, offline:markov]\nrepetitions: 4\nstop: { max_messages: 10 }\nconcurrency: 3\n"), null);

        var outcome = await runner.RunAsync(runId);

        Assert.Equal(0, outcome.Unfinished);
        Assert.False(outcome.Interrupted);
        var numbers = new List<int>();
        await foreach (var transcript in store.ReadTranscriptsAsync(new ConversationQuery { RunId = runId }))
        {
            Assert.NotNull(transcript.Stop);
            Assert.InRange(transcript.Messages.Count, 2, 10);
            Assert.Equal(" ", transcript.Messages[0].Content);
            Assert.Contains(transcript.Stop!.Reason, new[] { StopReasons.EndToken, StopReasons.MaxMessages });
            numbers.Add(int.Parse(transcript.Metadata[BatchMetadataKeys.Number], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains(BatchMetadataKeys.Seed, transcript.Metadata.Keys);
            Assert.Contains("another AI model", transcript.Participants[0].SystemPrompt, StringComparison.Ordinal);
        }

        Assert.Equal(Enumerable.Range(1, 8), numbers.Order());
        var plan = await runner.GetPlanAsync(runId);
        Assert.Equal(8, plan.Conversations.Count);
        Assert.Equal(["ELIZA ↔ Markov", "Markov ↔ ELIZA"], plan.Conversations.Select(c => $"{c.Seats[0].Name} ↔ {c.Seats[1].Name}").Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_CancelledMidwayThenRunAgain_TranscriptsEqualAnUninterruptedRun()
    {
        var experiment = Parse("models: [offline:eliza, offline:markov]\nrepetitions: 10\nstop: { max_messages: 12 }\nconcurrency: 5\nseed: 3\n");
        await using var reference = await NewStoreAsync();
        var referenceRunner = new BatchRunner(reference, Offline, TimeProvider.System);
        var referenceRun = await referenceRunner.CreateRunAsync(experiment, null);
        await referenceRunner.RunAsync(referenceRun);

        await using var store = await NewStoreAsync();
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        BatchModelFactory cancelling = (reference, seed) =>
        {
            if (Interlocked.Increment(ref calls) == 12)
            {
                cancellation.Cancel();
            }

            return Offline(reference, seed);
        };
        var runner = new BatchRunner(store, cancelling, TimeProvider.System);
        var runId = await runner.CreateRunAsync(experiment, null);
        var first = await runner.RunAsync(runId, cancellationToken: cancellation.Token);
        Assert.True(first.Interrupted);
        Assert.True(first.Unfinished > 0);

        var second = await new BatchRunner(store, Offline, TimeProvider.System).RunAsync(runId);

        Assert.Equal(0, second.Unfinished);
        Assert.Equal(await ContentsAsync(reference, referenceRun), await ContentsAsync(store, runId));
    }

    [Fact]
    public async Task RunAsync_LastStoredMessageAlreadyReachedTheCap_CompletesWithoutAnotherMessage()
    {
        await using var store = await NewStoreAsync();
        var runner = new BatchRunner(store, Offline, TimeProvider.System);
        var runId = await runner.CreateRunAsync(Parse("models: [offline:eliza]\npairs: self\nrepetitions: 1\nstop: { max_messages: 3, end_policy: off }\n"), null);
        var id = (await store.GetUnfinishedConversationsAsync(runId)).Single();
        string[] texts = [" ", "Hello.", "Hi there."];
        for (var i = 0; i < texts.Length; i++)
        {
            await store.AppendMessageAsync(id, i + 1, new TranscriptMessage { Seat = (i % 2) + 1, Speaker = "ELIZA", Content = texts[i] });
        }

        await runner.RunAsync(runId);

        var transcript = (await store.GetTranscriptAsync(id))!;
        Assert.Equal(texts, transcript.Messages.Select(m => m.Content));
        Assert.Equal(StopReasons.MaxMessages, transcript.Stop!.Reason);
        Assert.Equal(3, transcript.Stop.Message);
    }

    [Fact]
    public async Task RunAsync_Concurrency512_AllConversationsWaitOnTheirModelsAtOnce()
    {
        // Long enough that starting all 512 conversations on a busy 2-core machine takes less than one reply.
        await using var store = await NewStoreAsync();
        var latency = TimeSpan.FromSeconds(2);
        var inFlight = new PacedChatClient.Counter();
        BatchModelFactory paced = (reference, _) => new ResolvedModel(reference, reference, new PacedChatClient(reference, latency, inFlight: inFlight));
        var runner = new BatchRunner(store, paced, TimeProvider.System);
        var runId = await runner.CreateRunAsync(Parse("models: [a, b]\nrepetitions: 256\nstop: { max_messages: 3 }\nconcurrency: 512\n"), null);

        var outcome = await runner.RunAsync(runId);

        Assert.Equal(0, outcome.Unfinished);
        Assert.Equal(512, inFlight.Peak);
        var run = await store.ListRunsAsync().SingleAsync();
        Assert.Equal(512 * 3, run.Messages);
    }

    [Fact]
    public async Task RunAsync_CostCeilingReached_StopsStartingConversationsAndLeavesThemResumable()
    {
        await using var store = await NewStoreAsync();
        BatchModelFactory priced = (reference, _) => new ResolvedModel(reference, reference, new PacedChatClient(reference, TimeSpan.Zero, cost: 0.25m));
        var runner = new BatchRunner(store, priced, TimeProvider.System);
        var runId = await runner.CreateRunAsync(Parse("models: [a, b]\nrepetitions: 5\nstop: { max_messages: 5 }\nconcurrency: 1\ncost_ceiling: 2.00\n"), null);

        var outcome = await runner.RunAsync(runId);

        Assert.True(outcome.CostCeilingReached);
        // Each conversation costs 4 × $0.25; the ceiling is reached after two.
        Assert.Equal(8, outcome.Unfinished);
        var run = await store.ListRunsAsync().SingleAsync();
        Assert.Equal(2.00m, run.TotalCost);

        // At the same ceiling a resume would stop at once; a higher one lets it go on, counting what was spent before.
        var same = await runner.RunAsync(runId);
        Assert.Equal((true, 8), (same.CostCeilingReached, same.Unfinished));
        var raised = await runner.RunAsync(runId, costCeiling: 4.00m);
        Assert.Equal((true, 6), (raised.CostCeilingReached, raised.Unfinished));
        Assert.Equal(4.00m, (await store.ListRunsAsync().SingleAsync()).TotalCost);
    }

    [Fact]
    public async Task RunAsync_WithOutputDirectory_WritesTheOriginalSystemsFilesPerConversation()
    {
        await using var store = await NewStoreAsync();
        var output = CrosstalkProcess.NewTempDirectory();
        var runner = new BatchRunner(store, Offline, TimeProvider.System);
        var runId = await runner.CreateRunAsync(Parse("models: [offline:eliza, offline:markov]\nrepetitions: 2\nstop: { max_messages: 6 }\n"), output);

        await runner.RunAsync(runId);

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
            var number = int.Parse(transcript.Metadata[BatchMetadataKeys.Number], System.Globalization.CultureInfo.InvariantCulture);
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
