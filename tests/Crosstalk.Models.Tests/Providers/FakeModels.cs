using Crosstalk.Models.Catalog;
using Crosstalk.Models.Middleware;
using Crosstalk.Models.Providers;
using Crosstalk.Testing.FakeProviders;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Models.Tests.Providers;

/// <summary>Two loopback providers and a factory whose catalog points at them, with test-sized timeouts.</summary>
internal sealed class FakeModels : IAsyncDisposable
{
    public const string OpenAIKey = "sk-test-openai-0123456789abcdef";
    public const string AnthropicKey = "sk-ant-test-0123456789abcdef";

    private FakeModels(FakeOpenAIServer openAI, FakeAnthropicServer anthropic, ModelClientFactory factory)
    {
        OpenAI = openAI;
        Anthropic = anthropic;
        Factory = factory;
    }

    public FakeOpenAIServer OpenAI { get; }

    public FakeAnthropicServer Anthropic { get; }

    public ModelClientFactory Factory { get; }

    public static ResilienceOptions FastResilience() => new()
    {
        MaxAttempts = 8,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        FirstTokenTimeout = TimeSpan.FromSeconds(2),
        IdleTimeout = TimeSpan.FromSeconds(1.5),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        TotalTimeout = TimeSpan.FromSeconds(30),
        BreakerMinimumThroughput = 1000,
    };

    public static async Task<FakeModels> StartAsync(
        Func<string, string?>? environment = null, ILoggerFactory? loggers = null, ResilienceOptions? resilience = null, string extraYaml = "")
    {
        var openAI = await FakeOpenAIServer.StartAsync();
        var anthropic = await FakeAnthropicServer.StartAsync();
        var yaml = $"""
            providers:
              fake-openai: {"{"} api: openai, endpoint: "{openAI.Endpoint}", key: CROSSTALK_TEST_OPENAI_KEY {"}"}
              fake-anthropic: {"{"} api: anthropic, endpoint: "{anthropic.Endpoint}", key: CROSSTALK_TEST_ANTHROPIC_KEY, blankMessage: "(silence)" {"}"}
            models:
              - name: fake-4o
                display: "4o"
                provider: fake-openai
                model: gpt-4o
                price: {"{"} input: 2.50, output: 10.00 {"}"}
              - name: fake-claude
                display: "Claude"
                provider: fake-anthropic
                model: claude-sonnet-4-5
                price: {"{"} input: 3.00, output: 15.00 {"}"}
            {extraYaml}
            """;
        environment ??= name => name switch
        {
            "CROSSTALK_TEST_OPENAI_KEY" => OpenAIKey,
            "CROSSTALK_TEST_ANTHROPIC_KEY" => AnthropicKey,
            _ => null,
        };
        var secrets = new SecretStore(Path.Combine(Path.GetTempPath(), "crosstalk-no-secrets.env"), environment);
        var catalog = ModelCatalog.Parse(yaml, "test.yaml", secrets);
        var factory = new ModelClientFactory(catalog, new ModelClientFactoryOptions
        {
            Resilience = resilience ?? FastResilience(),
            LoggerFactory = loggers,
        });
        return new FakeModels(openAI, anthropic, factory);
    }

    public async ValueTask DisposeAsync()
    {
        Factory.Dispose();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
