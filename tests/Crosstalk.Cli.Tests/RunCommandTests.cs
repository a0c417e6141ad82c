using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Tests;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_NoArguments_TwoOfflineAgentsTalkAndTheTranscriptReadsBack()
    {
        var dir = CrosstalkProcess.NewTempDirectory();

        var result = await CrosstalkProcess.RunAsync(dir, "run");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var markdown = Assert.Single(Directory.GetFiles(Path.Combine(dir, "transcripts"), "*.md"));
        var json = Assert.Single(Directory.GetFiles(Path.Combine(dir, "transcripts"), "*.json"));
        Assert.Contains(Path.GetFileName(markdown), result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(json), result.StandardOutput, StringComparison.Ordinal);

        var fromMarkdown = TranscriptFile.Read(markdown);
        var fromJson = TranscriptFile.Read(json);
        Assert.True(fromMarkdown.Messages.Count >= 2);
        Assert.Equal(fromMarkdown.Messages.Select(m => m.Content), fromJson.Messages.Select(m => m.Content));
        Assert.NotNull(fromJson.Stop);
        Assert.NotNull(fromMarkdown.Ended);

        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db")))
        {
            var summary = Assert.Single(await store.ListConversationsAsync(ConversationQuery.All).ToListAsync());
            var stored = await store.GetTranscriptAsync(summary.Id);
            Assert.Equal(fromJson.Messages.Select(m => m.Content), stored!.Messages.Select(m => m.Content));
            Assert.Equal(fromJson.Stop, stored.Stop);
        }

        var show = await CrosstalkProcess.RunAsync(dir, "show", markdown);
        Assert.Equal(0, show.ExitCode);
        var convert = await CrosstalkProcess.RunAsync(dir, "convert", json, "--to", "markdown");
        Assert.Equal(0, convert.ExitCode);
        Assert.Equal(File.ReadAllText(markdown), convert.StandardOutput);
    }

    [Theory]
    [InlineData("any", null, 3, "end-token", 1)]
    [InlineData("mutual", null, 24, "end-token", 2)]
    [InlineData("off", "97", 97, "max-messages", 1)]
    public async Task Run_ReplayOfSeed001_StopsWhereThePolicySays(string policy, string? maxMessages, int expectedMessages, string expectedReason, int expectedSeat)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        string[] args =
        [
            "run", "--a", $"replay:{SharedFiles.Seed001}#1", "--b", $"replay:{SharedFiles.Seed001}#2",
            "--end-policy", policy, "--quiet", "-o", "out",
        ];
        if (maxMessages is not null)
        {
            args = [.. args, "--max-messages", maxMessages];
        }

        var result = await CrosstalkProcess.RunAsync(dir, args);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var transcript = TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "out"), "*.json")));
        Assert.Equal(expectedMessages, transcript.Messages.Count);
        Assert.Equal(expectedReason, transcript.Stop!.Reason);
        Assert.Equal(expectedMessages, transcript.Stop.Message);
        Assert.Equal(expectedSeat, transcript.Stop.Seat);

        var seed = SeedMarkdown.ReadFile(SharedFiles.Seed001);
        Assert.Equal(seed.Messages.Take(expectedMessages).Select(m => (m.Seat, m.Speaker, m.Content)), transcript.Messages.Select(m => (m.Seat, m.Speaker, m.Content)));
    }

    [Fact]
    public async Task Run_UnknownModel_FailsWithOneLineNamingTheOption()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, "run", "--a", "offline:hal9000");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--a", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
