using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Crosstalk.Cli.Commands;
using Crosstalk.Engine.Models;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Crosstalk.Cli.Tests;

/// <summary>
/// Providers whose errors quote the key the request was made with (an Anthropic stream's <c>event: error</c>, an OpenAI
/// style error chunk), with tracing and logging on: the key must leave the process only towards the provider.
/// </summary>
public sealed class SecretEchoTests
{
    [Fact]
    public async Task Run_ProvidersEchoTheKeyInStreamErrors_KeyInNoSpanLogTerminalStoreOrFile()
    {
        var openAIKey = "sk-planted-openai-" + Guid.NewGuid().ToString("N");
        var anthropicKey = "sk-ant-planted-" + Guid.NewGuid().ToString("N");
        await using var openAI = await FakeOpenAIServer.StartAsync();
        await using var anthropic = await FakeAnthropicServer.StartAsync();
        openAI.Faults = FaultPlan.Random(1.0, 1, FaultKind.StreamError);
        anthropic.Faults = FaultPlan.Random(1.0, 2, FaultKind.StreamError);
        openAI.Reply = anthropic.Reply = _ => new FakeReply("Words enough to stream a few chunks before the error.");
        var dir = CrosstalkProcess.NewTempDirectory();
        var models = Path.Combine(dir, "models.yaml");
        File.WriteAllText(models, $$"""
            providers:
              echo-openai: { api: openai, endpoint: "{{openAI.Endpoint}}", key: CROSSTALK_ECHO_OPENAI_KEY, resilience: { attempts: 2, baseDelay: 10ms } }
              echo-anthropic: { api: anthropic, endpoint: "{{anthropic.Endpoint}}", key: CROSSTALK_ECHO_ANTHROPIC_KEY, resilience: { attempts: 3, baseDelay: 10ms } }
            models:
              - { name: echo-claude, display: Claude, provider: echo-anthropic, model: claude-sonnet-4-5 }
              - { name: echo-4o, display: 4o, provider: echo-openai, model: gpt-4o }
            """);
        var environment = new Dictionary<string, string> { ["CROSSTALK_ECHO_OPENAI_KEY"] = openAIKey, ["CROSSTALK_ECHO_ANTHROPIC_KEY"] = anthropicKey };

        var claude = await CrosstalkProcess.RunAsync(
            dir, environment, "run", "--a", "echo-claude", "--b", "offline:eliza", "--models", models, "--db", "store.db", "--otel", "console", "-v", "-o", "claude");
        var gpt = await CrosstalkProcess.RunAsync(
            dir, environment, "run", "--a", "echo-4o", "--b", "offline:eliza", "--models", models, "--db", "store.db", "--otel", "console", "-v", "-o", "gpt");

        // The keys went out, to the servers.
        Assert.Contains(anthropic.Requests, r => r.Headers.Values.Any(v => v.Contains(anthropicKey, StringComparison.Ordinal)));
        Assert.Contains(openAI.Requests, r => r.Headers.GetValueOrDefault("authorization") == "Bearer " + openAIKey);

        // Each message failed on every attempt, and each attempt is on the record: the catalog's own attempt counts.
        var stop = TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "claude"), "*.json"))).Stop!;
        Assert.Equal("error", stop.Reason);
        Assert.Equal([1, 2, 3], stop.Attempts.Select(a => a.Number));
        Assert.All(stop.Attempts, a => Assert.Contains("stream_error", a.Error, StringComparison.Ordinal));
        Assert.Equal(2, TranscriptFile.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "gpt"), "*.json"))).Stop!.Attempts.Count);

        // The spans, the logs and the terminal all said what happened...
        foreach (var result in new[] { claude, gpt })
        {
            Assert.Contains("Activity.DisplayName", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("asking again", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("gave up after", result.StandardError, StringComparison.Ordinal);
        }

        Assert.Contains("overloaded_error", claude.StandardOutput + claude.StandardError, StringComparison.Ordinal);

        // ...with the key nowhere: not in a span, a log line, the terminal, the store or any file.
        var everything = new StringBuilder(claude.StandardOutput).Append(claude.StandardError).Append(gpt.StandardOutput).Append(gpt.StandardError);
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            everything.Append(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        }

        var text = everything.ToString();
        Assert.Contains("[redacted]", text, StringComparison.Ordinal);
        foreach (var key in new[] { openAIKey, anthropicKey })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(key[^20..], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tracing_ProviderEchoesTheKey_InMemoryExporterSeesNoKeyInStatusTagsOrEvents()
    {
        var key = "sk-ant-planted-" + Guid.NewGuid().ToString("N");
        await using var anthropic = await FakeAnthropicServer.StartAsync();
        anthropic.Faults = FaultPlan.Random(1.0, 3, FaultKind.StreamError);
        anthropic.Reply = _ => new FakeReply("Words enough to stream a few chunks before the error.");
        var dir = CrosstalkProcess.NewTempDirectory();
        File.WriteAllText(Path.Combine(dir, "models.yaml"), $$"""
            providers:
              echo: { api: anthropic, endpoint: "{{anthropic.Endpoint}}", key: CROSSTALK_ECHO_KEY, resilience: { attempts: 2, baseDelay: 10ms } }
            models:
              - { name: echo-claude, provider: echo, model: claude-sonnet-4-5 }
            """);
        var spans = new List<Activity>();
        var logs = new StringWriter();
        using (var tracing = Telemetry.Configure(Sdk.CreateTracerProviderBuilder()).AddProcessor(new SimpleActivityExportProcessor(new ListExporter(spans))).Build())
        using (var loggers = Logging.CliLogging.Create(LogLevel.Trace, logs))
        using (var resolver = new ModelResolver(
            new ModelResolverOptions
            {
                CatalogFile = Path.Combine(dir, "models.yaml"),
                Environment = name => name == "CROSSTALK_ECHO_KEY" ? key : null,
                WorkingDirectory = dir,
                EnableOpenTelemetry = true,
                TelemetrySourceName = Telemetry.SourceName,
                LoggerFactory = loggers,
            }))
        {
            var client = resolver.Resolve("echo-claude", seed: 1).Client;
            var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync().AsTask());
            Assert.Equal(2, error.Attempts.Count);
            Assert.DoesNotContain(key, error.ToString(), StringComparison.Ordinal);
        }

        // Two attempts, each a span that ended in an error whose description names the stream error.
        var failed = spans.Where(s => s.Status == ActivityStatusCode.Error).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, s => Assert.Contains("stream_error", s.StatusDescription, StringComparison.Ordinal));
        var exported = JsonSerializer.Serialize(spans.Select(s => new
        {
            s.DisplayName,
            s.StatusDescription,
            Tags = s.TagObjects.Select(t => $"{t.Key}={t.Value}").ToList(),
            Events = s.Events.Select(e => new { e.Name, Tags = e.Tags.Select(t => $"{t.Key}={t.Value}").ToList() }).ToList(),
        }));
        Assert.DoesNotContain(key, exported, StringComparison.Ordinal);
        Assert.Contains("asking again", logs.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RedactingProcessor_SpanQuotingAKey_ExporterSeesItRedactedInStatusTagsAndEvents()
    {
        var key = "sk-planted-" + Guid.NewGuid().ToString("N");
        SecretRedactor.Register(key);
        var spans = new List<Activity>();
        using var source = new ActivitySource(Telemetry.SourceName);
        using (Telemetry.Configure(Sdk.CreateTracerProviderBuilder()).AddProcessor(new SimpleActivityExportProcessor(new ListExporter(spans))).Build())
        {
            using var activity = source.StartActivity("chat")!;
            activity.SetTag("error.message", $"refused {key}");
            activity.AddException(new InvalidOperationException($"the provider said {key}"));
            activity.SetStatus(ActivityStatusCode.Error, $"bad key {key}");
        }

        var span = Assert.Single(spans);
        Assert.Equal("bad key [redacted]", span.StatusDescription);
        Assert.Equal("refused [redacted]", span.GetTagItem("error.message"));
        var message = Assert.Single(Assert.Single(span.Events).Tags, t => t.Key == "exception.message").Value;
        Assert.Equal("the provider said [redacted]", message);
    }

    // What an in-memory exporter does, without a second OpenTelemetry package version beside the one the CLI ships.
    private sealed class ListExporter(List<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (spans)
            {
                foreach (var activity in batch)
                {
                    spans.Add(activity);
                }
            }

            return ExportResult.Success;
        }
    }
}
