using Crosstalk.Cli.Batch;
using Crosstalk.Engine;
using Crosstalk.Engine.Plans;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Spectre.Console.Testing;

namespace Crosstalk.Cli.Tests.Batch;

public sealed class BatchDisplayTests
{
    [Fact]
    public async Task RunAsync_NotATerminal_PrintsProgressLinesThenASummaryPerPair()
    {
        var console = new TestConsole().Width(120);
        var context = new CliContext(console, TextWriter.Null, TextWriter.Null, TimeProvider.System, _ => null, Path.GetTempPath());
        using var paced = new TestModels((reference, _) => new PacedChatClient(reference, TimeSpan.FromMilliseconds(40), cost: 0.01m), reference => reference == "a" ? "Alpha" : "Beta");
        await using var engine = await OpenAsync(paced);
        var runId = await CreateRunAsync(engine, "models: [a, b]\nrepetitions: 3\nstop: { max_messages: 8 }\nconcurrency: 2\n");

        var exit = await BatchSession.RunAsync(context, engine, runId, new BatchSessionOptions { LineInterval = TimeSpan.FromMilliseconds(150) }, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var lines = console.Lines.Where(l => l.Contains("conversations ·", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 3, console.Output);
        Assert.Contains("6/6 conversations · 48 messages", lines[^1], StringComparison.Ordinal);
        Assert.Contains("$0.4200", lines[^1], StringComparison.Ordinal);
        Assert.Contains("max-messages 6", lines[^1], StringComparison.Ordinal);
        Assert.Contains(console.Lines, l => l.Contains("Alpha ↔ Beta", StringComparison.Ordinal) && l.Contains("8.0", StringComparison.Ordinal));
        Assert.Contains(console.Lines, l => l.Contains("Beta ↔ Alpha", StringComparison.Ordinal) && l.Contains("$0.2100", StringComparison.Ordinal));
        Assert.Contains($"Run {runId} is complete", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Terminal_ShowsALiveLinePerRunningConversation()
    {
        var console = new TestConsole().Width(120).Interactive();
        console.Profile.Capabilities.Interactive = true;
        var context = new CliContext(console, TextWriter.Null, TextWriter.Null, TimeProvider.System, _ => null, Path.GetTempPath());
        using var paced = new TestModels((reference, _) => new PacedChatClient(reference, TimeSpan.FromMilliseconds(100)));
        await using var engine = await OpenAsync(paced);
        var runId = await CreateRunAsync(engine, "models: [a, b]\nrepetitions: 2\nstop: { max_messages: 6 }\nconcurrency: 4\n");

        await BatchSession.RunAsync(context, engine, runId, new BatchSessionOptions(), CancellationToken.None);

        Assert.Contains("ETA", console.Output, StringComparison.Ordinal);
        Assert.Contains("a ↔ b · ", console.Output, StringComparison.Ordinal);
        // The last words are those of the previous message until the next one writes, named after who wrote them.
        Assert.Matches(@"#\d+ a ↔ b · \d/6 (a: a|b: b) reply \d", console.Output);
        Assert.DoesNotMatch(@"(a: b|b: a) reply", console.Output);
        Assert.Contains("Ctrl+C stops", console.Output, StringComparison.Ordinal);
    }

    internal static async Task<CrosstalkEngine> OpenAsync(TestModels models) =>
        new(await TranscriptStore.OpenAsync(Path.Combine(CrosstalkProcess.NewTempDirectory(), "d.db")), models, ownsStore: true);

    internal static async Task<string> CreateRunAsync(CrosstalkEngine engine, string yaml)
    {
        var (run, conversations) = ConversationPlanner.PlanRun(ExperimentFile.Parse(yaml, "d.yaml"), engine.Models, engine.Time.GetLocalNow(), null);
        return await engine.CreateRunAsync(run, conversations);
    }
}
