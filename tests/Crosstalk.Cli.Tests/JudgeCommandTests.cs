using System.Text.Json;
using Crosstalk.Storage;
using Crosstalk.Testing;
using Crosstalk.Testing.FakeProviders;

namespace Crosstalk.Cli.Tests;

public sealed class JudgeCommandTests
{
    [Fact]
    public async Task Judge_Seed000ConstraintBreakFirst_AsksOnceThenAnswersFromTheCache()
    {
        await using var judge = await FakeOpenAIServer.StartAsync();
        judge.Reply = _ => new FakeReply("""{"seat": 2, "message": 6, "constraint": "politeness", "reason": "4o invents words instead of staying rigorous."}""");
        var dir = CrosstalkProcess.NewTempDirectory();
        var models = JudgeCatalog(dir, judge);
        var environment = new Dictionary<string, string> { ["CROSSTALK_JUDGE_KEY"] = "sk-judge-test" };
        string[] args = ["judge", SharedFiles.Seed000, "--rubric", "constraint-break-first", "--model", "judge", "--models", models, "--cache", "cache", "--json"];

        var first = await CrosstalkProcess.RunAsync(dir, environment, args);
        var requests = judge.RequestCount;
        var second = await CrosstalkProcess.RunAsync(dir, environment, args);

        Assert.True(first.ExitCode == 0, first.StandardError);
        // The rubric's two controls first, then seed 000: three calls. The second time seed 000 comes from the cache;
        // the controls are asked again, as this judge's answers to them (message 6 of four) were not valid to keep.
        Assert.Equal(3, requests);
        Assert.Equal(0, second.ExitCode);
        Assert.Single(judge.Requests, r => r.Body.ToJsonString().Contains("Human Transformer", StringComparison.Ordinal));
        using var answer = JsonDocument.Parse(second.StandardOutput.Trim());
        Assert.True(answer.RootElement.GetProperty("cached").GetBoolean());
        Assert.Equal(2, answer.RootElement.GetProperty("answer").GetProperty("seat").GetInt32());
        // A judge that answers the same whatever it reads gets the controls wrong, and is told so.
        Assert.StartsWith("warning: judge judge failed the controls of constraint-break-first: 0 of 2 right", first.StandardError, StringComparison.Ordinal);

        // Judging a run keeps the results with its conversations in the store.
        var import = await CrosstalkProcess.RunAsync(dir, "import", SharedFiles.Seed000);
        Assert.Equal(0, import.ExitCode);
        string runId;
        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db")))
        {
            runId = (await store.ListRunsAsync().ToListAsync()).Single().Id;
        }

        var onRun = await CrosstalkProcess.RunAsync(dir, environment, ["judge", runId, "--rubric", "constraint-break-first", "--model", "judge", "--models", models, "--cache", "cache"]);
        Assert.True(onRun.ExitCode == 0, onRun.StandardError);
        Assert.Contains("(cached)", onRun.StandardOutput, StringComparison.Ordinal);
        await using (var store = await TranscriptStore.OpenAsync(Path.Combine(dir, "crosstalk.db")))
        {
            var summary = (await store.ListConversationsAsync(ConversationQuery.All).ToListAsync()).Single();
            var stored = await store.GetTranscriptAsync(summary.Id);
            Assert.Contains("\"seat\":2", stored!.Metadata["judge.constraint-break-first.judge"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Judge_GoodbyeLoopRubric_GivesAJudgesSpan_AndRefusesOneThatRunsPastTheEnd()
    {
        // The judge answers from what it is asked: seed 001 (97 messages) gets a span; the controls (11 and 6 messages) get
        // the same span, which is not in them, so this judge fails its controls and is told so.
        await using var judge = await FakeOpenAIServer.StartAsync();
        var last = 97;
        judge.Reply = _ => new FakeReply($$"""{"first": 24, "last": {{last}}, "reason": "thanks and goodbyes from message 24 on"}""");
        var dir = CrosstalkProcess.NewTempDirectory();
        var models = JudgeCatalog(dir, judge);
        var environment = new Dictionary<string, string> { ["CROSSTALK_JUDGE_KEY"] = "sk-judge-test" };

        var spanned = await CrosstalkProcess.RunAsync(dir, environment, ["judge", SharedFiles.Seed001, "--rubric", "goodbye-loop", "--model", "judge", "--models", models, "--cache", "cache", "--json"]);
        last = 98;
        var past = await CrosstalkProcess.RunAsync(dir, environment, ["judge", SharedFiles.Seed001, "--rubric", "goodbye-loop", "--model", "judge", "--models", models, "--cache", "other-cache"]);

        Assert.True(spanned.ExitCode == 0, spanned.StandardError);
        using (var answer = JsonDocument.Parse(spanned.StandardOutput.Trim()))
        {
            Assert.Equal("001_56cfc8f72ca96c78.txt", answer.RootElement.GetProperty("source").GetString()); // titles repeat; the file does not
            Assert.Equal(24, answer.RootElement.GetProperty("answer").GetProperty("first").GetInt32());
            Assert.Equal(97, answer.RootElement.GetProperty("answer").GetProperty("last").GetInt32());
        }

        Assert.StartsWith("warning: judge judge failed the controls of goodbye-loop: 0 of 2 right", spanned.StandardError, StringComparison.Ordinal);
        Assert.Contains("the answer names message 24 as its first, but the conversation has messages 1 to 11", spanned.StandardError, StringComparison.Ordinal);
        // The one conversation judged got no usable answer: said with it, and the command fails.
        Assert.Equal(1, past.ExitCode);
        // A mistyped target is said in one line before the judge is asked anything, controls included.
        var requests = judge.RequestCount;
        var mistyped = await CrosstalkProcess.RunAsync(dir, environment, ["judge", "seed001.txt", "--rubric", "goodbye-loop", "--model", "judge", "--models", models, "--cache", "third-cache"]);
        Assert.Equal(1, mistyped.ExitCode);
        Assert.StartsWith("error: seed001.txt is neither a file, a folder, nor a run in", mistyped.StandardError, StringComparison.Ordinal);
        Assert.Single(mistyped.StandardError.Trim().Split('\n'));
        Assert.Equal(requests, judge.RequestCount);
        Assert.Contains("the answer names message 98 as its last, but the conversation has messages 1 to 97", past.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 judgements, 0 from the cache", past.StandardOutput, StringComparison.Ordinal);
    }

    // A catalog whose model "judge" is the fake OpenAI server, its key read from CROSSTALK_JUDGE_KEY.
    private static string JudgeCatalog(string dir, FakeOpenAIServer judge)
    {
        var models = Path.Combine(dir, "models.yaml");
        File.WriteAllText(models, $"""
            providers:
              judge-server: {"{"} api: openai, endpoint: "{judge.Endpoint}", key: CROSSTALK_JUDGE_KEY {"}"}
            models:
              - name: judge
                display: "Judge"
                provider: judge-server
                model: gpt-4o
            """);
        return models;
    }
}
