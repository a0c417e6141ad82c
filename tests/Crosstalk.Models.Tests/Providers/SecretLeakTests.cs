using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Crosstalk.Models.Catalog;
using Crosstalk.Conversations;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Models.Tests.Providers;

public sealed class SecretLeakTests
{
    [Fact]
    public async Task Calls_PlantedKeyInEnvironment_KeyAppearsInNoArtefact()
    {
        var planted = "sk-planted-" + Guid.NewGuid().ToString("N");
        const string Variable = "CROSSTALK_PLANTED_TEST_KEY";
        Environment.SetEnvironmentVariable(Variable, planted);
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var resilience = FakeModels.FastResilience();
        resilience.MaxAttempts = 2;
        var artefacts = new StringBuilder();
        try
        {
            await using var fakes = await FakeModels.StartAsync(
                environment: name => name is "CROSSTALK_TEST_OPENAI_KEY" or "CROSSTALK_TEST_ANTHROPIC_KEY" ? Environment.GetEnvironmentVariable(Variable) : Environment.GetEnvironmentVariable(name),
                loggers: loggers,
                resilience: resilience);
            using var openAI = fakes.Factory.CreateClient("fake-4o", out var openAIEntry);
            using var anthropic = fakes.Factory.CreateClient("fake-claude", out var anthropicEntry);
            artefacts.AppendLine(openAIEntry.ToString()).AppendLine(anthropicEntry.ToString());

            // A success, streamed, recorded as a transcript message.
            var reply = new ReplyReader();
            await foreach (var update in openAI.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]))
            {
                reply.Read(update, 1, 1, []);
            }

            artefacts.AppendLine(JsonSerializer.Serialize(reply.ToMessage(1, "4o")));

            // Providers that echo the whole key back in a 401, then 500s until the client gives up.
            var echo = $"Incorrect API key provided: {planted}. You can find your API key at https://platform.openai.com/account/api-keys.";
            fakes.OpenAI.Enqueue(new RecordedResponse(401, "application/json", [JsonSerializer.Serialize(new { error = new { message = echo, type = "invalid_request_error", param = (string?)null, code = "invalid_api_key" } })]));
            fakes.Anthropic.Enqueue(new RecordedResponse(401, "application/json", [JsonSerializer.Serialize(new { type = "error", error = new { type = "authentication_error", message = $"invalid x-api-key {planted}" } })]));
            artefacts.AppendLine(await FailureAsync(() => openAI.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")])));
            artefacts.AppendLine(await FailureAsync(() => anthropic.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync().AsTask()));
            fakes.OpenAI.Faults = FaultPlan.Random(1.0, 3, FaultKind.ServerError, FaultKind.RateLimited);
            artefacts.AppendLine(await FailureAsync(() => openAI.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).ToListAsync().AsTask()));

            // A key that is missing names its variable and nothing else.
            var missing = Assert.Throws<ModelCatalogException>(() => new ModelClientFactory(ModelCatalog.Parse(null, secrets: new SecretStore("/nonexistent", _ => null))).CreateClient("gpt-4o", out _));
            Assert.Contains("OPENAI_API_KEY", missing.Message, StringComparison.Ordinal);
            artefacts.AppendLine(missing.ToString());

            // The key really went out, to the servers only.
            Assert.Contains(fakes.OpenAI.Requests, r => r.Headers.GetValueOrDefault("authorization")?.Contains(planted, StringComparison.Ordinal) == true);
            Assert.Contains(fakes.Anthropic.Requests, r => r.Headers.Values.Any(v => v.Contains(planted, StringComparison.Ordinal)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }

        artefacts.AppendLine(string.Join('\n', logs.Lines));
        Assert.NotEmpty(logs.Lines);
        var text = artefacts.ToString();
        Assert.Contains("401", text, StringComparison.Ordinal);
        Assert.DoesNotContain(planted, text, StringComparison.Ordinal);
        Assert.DoesNotContain(planted[..16], text, StringComparison.Ordinal);
    }

    private static async Task<string> FailureAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(call);
        return error.ToString() + "\n" + string.Join('\n', (error as ProviderException)?.Attempts.Select(a => a.ToString()) ?? []);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
