using System.Text.RegularExpressions;
using Crosstalk.Testing.FakeProviders;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// <c>crosstalk run</c> against an OpenAI-compatible and an Anthropic-compatible server on loopback that speak the
/// providers' wire formats and fail 30% of the time.
/// </summary>
public sealed class RunWithProvidersTests
{
    private const string OpenAIKey = "sk-cli-test-openai-5f1e2d3c4b5a6978";
    private const string AnthropicKey = "sk-ant-cli-test-0a9b8c7d6e5f4321";

    [Fact]
    public async Task Run_TwoProvidersWithThirtyPercentFaults_CompletesAndRecordsTheAttempts()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        await using var anthropic = await FakeAnthropicServer.StartAsync();
        FaultKind[] kinds = [FaultKind.RateLimited, FaultKind.ServerError, FaultKind.Unavailable, FaultKind.Overloaded, FaultKind.CutStream, FaultKind.MalformedChunk];
        openAI.Faults = FaultPlan.Random(0.3, seed: 3, kinds);
        anthropic.Faults = FaultPlan.Random(0.3, seed: 5, kinds);
        openAI.Reply = r => new FakeReply($"Message {r.Number} from the OpenAI side, streamed word by word.", Reasoning: "thinking quietly");
        anthropic.Reply = r => new FakeReply($"Message {r.Number} from the Anthropic side, streamed word by word.");

        var dir = CrosstalkProcess.NewTempDirectory();
        var models = Path.Combine(dir, "models.yaml");
        File.WriteAllText(models, $"""
            providers:
              loop-openai: {"{"} api: openai, endpoint: "{openAI.Endpoint}", key: CROSSTALK_CLI_OPENAI_KEY {"}"}
              loop-anthropic: {"{"} api: anthropic, endpoint: "{anthropic.Endpoint}", key: CROSSTALK_CLI_ANTHROPIC_KEY, blankMessage: "(silence)" {"}"}
            models:
              - name: loop-4o
                display: "4o"
                provider: loop-openai
                model: gpt-4o
                price: {"{"} input: 2.50, output: 10.00 {"}"}
              - name: loop-claude
                display: "Claude"
                provider: loop-anthropic
                model: claude-sonnet-4-5
                price: {"{"} input: 3.00, output: 15.00 {"}"}
            """);

        var result = await CrosstalkProcess.RunAsync(
            dir,
            new Dictionary<string, string> { ["CROSSTALK_CLI_OPENAI_KEY"] = OpenAIKey, ["CROSSTALK_CLI_ANTHROPIC_KEY"] = AnthropicKey },
            "run", "--a", "loop-4o", "--b", "loop-claude", "--models", models, "--max-messages", "13", "--end-policy", "off", "-o", "out");

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        var json = Assert.Single(Directory.GetFiles(Path.Combine(dir, "out"), "*.json"));
        var transcript = TranscriptFile.Read(json);
        Assert.Equal(13, transcript.Messages.Count);
        Assert.Equal("max-messages", transcript.Stop!.Reason);
        Assert.Equal(["4o", "Claude"], transcript.Participants.Select(p => p.Name));
        Assert.All(transcript.Messages.Skip(1), m =>
        {
            Assert.Matches(@"^Message \d+ from the (OpenAI|Anthropic) side, streamed word by word\.$", m.Content);
            Assert.NotNull(m.Usage);
            Assert.NotNull(m.Cost);
        });
        Assert.All(transcript.Messages.Where(m => m.Seat == 1).Skip(1), m => Assert.Equal("thinking quietly", m.Reasoning));

        // Every injected fault shows up as an attempt in the JSON transcript.
        var injected = openAI.Faults.Injected + anthropic.Faults.Injected;
        Assert.True(injected > 0, "no fault was injected");
        Assert.Equal(injected, transcript.Messages.Sum(m => m.Attempts.Count));
        Assert.Contains("\"attempts\"", File.ReadAllText(json), StringComparison.Ordinal);

        // ...and in the live output as it happens, one line per failed attempt.
        // (Lines longer than the console wrap; joined again here.)
        Assert.Equal(injected, Regex.Matches(result.StandardOutput.ReplaceLineEndings(" "), @"… attempt \d+ failed \(").Count);

        // The blank opener reached the Anthropic model in a form it accepts, and the transcript says so.
        Assert.Equal(" ", transcript.Messages[0].Content);
        Assert.Equal("(silence)", transcript.Messages[0].SentAs);

        // No key anywhere a user could see it.
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllText(file);
            Assert.DoesNotContain(OpenAIKey, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(AnthropicKey, bytes, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(OpenAIKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicKey, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_EveryConversationFails_ExitsOneAndShowsWhy()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        var dir = CrosstalkProcess.NewTempDirectory();
        var models = Path.Combine(dir, "models.yaml");

        // A wrong path on a live server: 404, a permanent failure, so no retries slow the test down.
        File.WriteAllText(models, $"models:\n  - {{ name: broken, api: openai, endpoint: \"{openAI.Endpoint}no-such-path\", model: gpt-4o }}\n");
        File.WriteAllText(Path.Combine(dir, "exp.yaml"), "models: [broken, offline:eliza]\nstop: { max_messages: 4 }\n");

        var result = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--models", models, "--db", "s.db", "--quiet");

        Assert.True(result.ExitCode == 1, result.StandardError + result.StandardOutput);
        var output = result.StandardOutput.ReplaceLineEndings(" ");
        Assert.Contains("2 conversation(s) stopped on an error", output, StringComparison.Ordinal);
        Assert.Contains("every one of its 2 conversation(s) stopped on an error", output, StringComparison.Ordinal);
        Assert.DoesNotContain("is complete", output, StringComparison.Ordinal);
        Assert.Contains("404", output, StringComparison.Ordinal);
        Assert.Contains("--retry-failed", output, StringComparison.Ordinal);

        // The endpoint fixed, the failed conversations go on from where they stopped.
        File.WriteAllText(models, $"models:\n  - {{ name: broken, api: openai, endpoint: \"{openAI.Endpoint}\", model: gpt-4o }}\n");
        var retry = await CrosstalkProcess.RunAsync(dir, "resume", "--retry-failed", "--models", models, "--db", "s.db", "--quiet");

        Assert.True(retry.ExitCode == 0, retry.StandardError + retry.StandardOutput);
        Assert.Contains("Retrying 2 conversation(s)", retry.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);
        await using var store = await Crosstalk.Storage.TranscriptStore.OpenAsync(Path.Combine(dir, "s.db"));
        var conversations = await store.ListConversationsAsync(Crosstalk.Storage.ConversationQuery.All).ToListAsync();
        Assert.Equal(2, conversations.Count);
        Assert.All(conversations, c => Assert.Equal(("max-messages", 4), (c.StopReason, c.MessageCount)));
    }

    [Fact]
    public async Task Batch_FailuresForMoreReasonsThanShown_SaysHowManyMoreAndWhereToSeeThem()
    {
        // Four endpoints nothing listens on: four reasons, the rarest of which was left off the summary without a word.
        var dir = CrosstalkProcess.NewTempDirectory();
        var models = Path.Combine(dir, "models.yaml");
        File.WriteAllText(models, "models:\n" + string.Concat(Enumerable.Range(1, 4).Select(i =>
            $"  - {{ name: b{i}, api: openai, endpoint: \"http://127.0.0.1:{i}/v1\", model: m, resilience: {{ attempts: 1 }} }}\n")));
        File.WriteAllText(Path.Combine(dir, "exp.yaml"), "models: [b1, b2, b3, b4, offline:eliza]\npairs: [[b1, offline:eliza], [b2, offline:eliza], [b3, offline:eliza], [b4, offline:eliza], [b4, offline:eliza]]\norders: one\nstop: { max_messages: 4 }\n");

        var result = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--models", models, "--db", "s.db", "--quiet");

        Assert.True(result.ExitCode == 1, result.StandardError + result.StandardOutput);
        var output = result.StandardOutput.ReplaceLineEndings(" ");
        Assert.Contains("5 conversation(s) stopped on an error", output, StringComparison.Ordinal);
        Assert.Contains("2 × b4 failed", output, StringComparison.Ordinal);
        Assert.Matches(@"and 1 more, for 1 other reason\(s\): crosstalk list r-[0-9a-z-]+ --stop-reason error", output);
    }

    [Fact]
    public async Task Run_MissingKey_FailsWithOneLineNamingTheVariableButNoValue()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, new Dictionary<string, string> { ["OPENAI_API_KEY"] = "" }, "run", "--a", "gpt-4o", "--b", "offline:eliza");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("OPENAI_API_KEY", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Models_KeyPresent_IsMarkedButNeverPrinted()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        var result = await CrosstalkProcess.RunAsync(dir, new Dictionary<string, string> { ["OPENAI_API_KEY"] = OpenAIKey }, "models");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("OPENAI_API_KEY ✓", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("offline:eliza", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(OpenAIKey, result.StandardOutput, StringComparison.Ordinal);

        // The local servers are listed too, with where they are expected and how to name their models.
        Assert.Contains("ollama http://localhost:11434/v1 · no key needed", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ollama:MODEL (e.g. ollama:llama3.2)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("vllm http://localhost:8000/v1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("llamacpp http://localhost:8080/v1", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithOtelConsole_PrintsASpanPerModelCall()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        var dir = CrosstalkProcess.NewTempDirectory();
        var models = Path.Combine(dir, "models.yaml");
        File.WriteAllText(models, $"""
            providers:
              loop-openai: {"{"} api: openai, endpoint: "{openAI.Endpoint}", key: CROSSTALK_CLI_OPENAI_KEY {"}"}
            models:
              - name: loop-4o
                display: "4o"
                provider: loop-openai
                model: gpt-4o
            """);

        var result = await CrosstalkProcess.RunAsync(
            dir,
            new Dictionary<string, string> { ["CROSSTALK_CLI_OPENAI_KEY"] = OpenAIKey },
            "run", "--a", "offline:eliza", "--b", "loop-4o", "--models", models, "--max-messages", "4", "--end-policy", "off", "--quiet", "--otel", "console");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Activity.DisplayName", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("gpt-4o", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(OpenAIKey, result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models", "missing.yaml", "does not exist")]
    [InlineData("models", "bad.yaml", "line 3, column 15")]
    // A run between offline agents needs no catalog, but a catalog the user names is still read, not silently skipped.
    [InlineData("run", "missing.yaml", "does not exist")]
    [InlineData("run", "bad.yaml", "line 3, column 15")]
    public async Task BadCatalogFile_FailsWithOneLineNamingTheFile(string command, string file, string expected)
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "models:\n  - name: x\n    provider: [oops\n");

        var result = await CrosstalkProcess.RunAsync(dir, command, "--models", file);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
