using Crosstalk.Models.Catalog;
using Crosstalk.Models.Providers;

namespace Crosstalk.Models.Tests.Catalog;

public sealed class ModelCatalogTests
{
    private static readonly SecretStore NoSecrets = new("/nonexistent/secrets.env", _ => null);

    [Theory]
    [InlineData("openai", "https://api.openai.com/v1", "OPENAI_API_KEY")]
    [InlineData("anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY")]
    [InlineData("xai", "https://api.x.ai/v1", "XAI_API_KEY")]
    [InlineData("moonshot", "https://api.moonshot.ai/v1", "MOONSHOT_API_KEY")]
    [InlineData("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY")]
    [InlineData("gemini", "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY")]
    [InlineData("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY")]
    [InlineData("ollama", "http://localhost:11434/v1", null)]
    [InlineData("vllm", "http://localhost:8000/v1", null)]
    [InlineData("llamacpp", "http://localhost:8080/v1", null)]
    public void BuiltIn_Provider_HasItsEndpointAndKeyVariable(string name, string endpoint, string? key)
    {
        var catalog = ModelCatalog.Parse(null, secrets: NoSecrets);

        Assert.True(catalog.TryGetProvider(name, out var provider));
        Assert.Equal(new Uri(endpoint), provider.Endpoint);
        Assert.Equal(key, provider.KeyVariable);
    }

    [Fact]
    public void Parse_CatalogNestedThousandsDeep_IsOneLineNotAStackOverflow()
    {
        var yaml = "providers:\n  x: " + string.Concat(Enumerable.Repeat("{a: ", 5_000)) + "1" + new string('}', 5_000) + "\n";

        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(yaml, "mine.yaml", NoSecrets));

        Assert.Equal("The model catalog mine.yaml is not valid at line 2, column 254: the YAML nests more than 64 levels deep.", error.Message);
    }

    [Theory]
    [InlineData("just a string\n", "line 1, column 1: expected a mapping here, not a single value.")]
    [InlineData("models: 5\n", "line 1, column 9: expected a list here, not a single value.")]
    [InlineData("models:\n  x:\n    model: gpt\n", "line 2, column 3: expected a list here, not a mapping.")]
    [InlineData("- a\n", "line 1, column 1: expected a mapping here.")]
    public void Parse_ValueOfTheWrongShape_SaysWhatTheFileNeeds_NotACodeType(string yaml, string expected)
    {
        // YamlDotNet's own words named .NET types ("Invalid cast from 'System.String' to '…CatalogDocument'").
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(yaml, "mine.yaml", NoSecrets));

        Assert.Equal("The model catalog mine.yaml is not valid at " + expected, error.Message);
    }

    [Fact]
    public void BuiltIn_EveryEntryDocumented_InModelsMarkdown()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "models.md"));
        var catalog = ModelCatalog.Parse(null, secrets: NoSecrets);

        Assert.All(catalog.Entries, e => Assert.Contains($"`{e.Name}`", docs, StringComparison.Ordinal));
        Assert.All(catalog.Providers, p =>
        {
            Assert.Contains(p.Endpoint.ToString().TrimEnd('/'), docs, StringComparison.Ordinal);
            if (p.KeyVariable is not null)
            {
                Assert.Contains(p.KeyVariable, docs, StringComparison.Ordinal);
            }
        });
    }

    [Theory]
    [InlineData("kimi-k2", "moonshot", "kimi-k2-0905-preview", "Kimi K2")]
    [InlineData("gpt-4o", "openai", "gpt-4o", "4o")]
    [InlineData("moonshot:kimi-k2-turbo-preview", "moonshot", "kimi-k2-turbo-preview", "kimi-k2-turbo-preview")]
    [InlineData("ollama:llama3.2", "ollama", "llama3.2", "llama3.2")]
    [InlineData("moonshotai/kimi-k2-0905:exacto", "openrouter", "moonshotai/kimi-k2-0905:exacto", "kimi-k2-0905")]
    [InlineData("x-ai/grok-4", "openrouter", "x-ai/grok-4", "grok-4")]
    public void Resolve_Reference_FindsProviderModelAndDisplayName(string reference, string provider, string modelId, string display)
    {
        var entry = ModelCatalog.Parse(null, secrets: NoSecrets).Resolve(reference);

        Assert.Equal(provider, entry.Provider);
        Assert.Equal(modelId, entry.ModelId);
        Assert.Equal(display, entry.DisplayName);
    }

    [Theory]
    [InlineData("moonshotai/kimi-k2-0905:exacto", 0.60, 2.50)]          // the original system's config.json names bare ids
    [InlineData("openrouter:moonshotai/kimi-k2-0905:exacto", 0.60, 2.50)]
    [InlineData("OpenRouter:MoonshotAI/Kimi-K2-0905:exacto", 0.60, 2.50)]
    public void Resolve_AdHocReferenceToAModelTheCatalogKnows_CostsWhatTheCatalogSays(string reference, double input, double output)
    {
        var entry = ModelCatalog.Parse(null, secrets: NoSecrets).Resolve(reference);

        Assert.Equal((decimal)input, entry.InputPricePerMillion);
        Assert.Equal((decimal)output, entry.OutputPricePerMillion);
        Assert.Equal(0.0031m, entry.Cost(1000, 1000));
    }

    [Fact]
    public void Resolve_AdHocReferenceToAnUnknownModel_HasNoPrice()
    {
        var entry = ModelCatalog.Parse(null, secrets: NoSecrets).Resolve("openrouter:someone/new-model");

        Assert.Null(entry.InputPricePerMillion);
        Assert.Null(entry.Cost(1000, 1000));
    }

    [Fact]
    public void Resolve_BareOpenRouterId_UsesOpenRouterKey()
    {
        var entry = ModelCatalog.Parse(null, secrets: NoSecrets).Resolve("x-ai/grok-4");

        Assert.Equal("OPENROUTER_API_KEY", entry.KeyVariable);
        Assert.Equal(new Uri("https://openrouter.ai/api/v1"), entry.Endpoint);
    }

    [Fact]
    public void Resolve_Unknown_OneSentenceNamingTheReference()
    {
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(null, secrets: NoSecrets).Resolve("no-such-model"));

        Assert.Contains("'no-such-model'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_UserFile_AddsAndReplacesEntriesAndProviders()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crosstalk-models-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            providers:
              together: { api: openai, endpoint: https://api.together.xyz/v1, key: TOGETHER_API_KEY, limits: { concurrency: 4 } }
            models:
              - name: gpt-4o
                display: "GPT 4o (mine)"
                provider: openai
                model: gpt-4o-2024-08-06
                limits: { rpm: 60 }
              - name: qwen
                display: Qwen
                provider: together
                model: Qwen/Qwen2.5-72B-Instruct-Turbo
                options: { temperature: 0.7, maxTokens: 512 }
                price: { input: 1.2, output: 1.2 }
            """);
        try
        {
            var catalog = ModelCatalog.Load(path, NoSecrets);

            Assert.Equal(path, catalog.UserFile);
            Assert.Equal("GPT 4o (mine)", catalog.Resolve("gpt-4o").DisplayName);
            Assert.Equal(60, catalog.Resolve("gpt-4o").Limits.RequestsPerMinute);
            var qwen = catalog.Resolve("qwen");
            Assert.Equal(new Uri("https://api.together.xyz/v1"), qwen.Endpoint);
            Assert.Equal(4, qwen.Limits.MaxConcurrency);
            Assert.Equal(0.7f, qwen.Sampling.Temperature);
            Assert.Equal(512, qwen.Sampling.MaxOutputTokens);
            Assert.Equal(0.0012m, qwen.Cost(500, 500));
            Assert.Equal("together", catalog.Resolve("together:meta-llama/Llama-3-70b").Provider);
            Assert.Single(catalog.Entries, e => e.Name == "gpt-4o");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_InvalidYaml_NamesFileLineAndColumn()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crosstalk-models-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "models:\n  - name: x\n    provider: openai\n    colour: blue\n");
        try
        {
            var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Load(path, NoSecrets));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("line 4, column 5", error.Message, StringComparison.Ordinal);
            Assert.Contains("colour", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("models:\n  - name: x\n    provider: nowhere\n", "provider 'nowhere'")]
    [InlineData("models:\n  - name: x\n", "neither a provider")]
    [InlineData("providers:\n  p: { api: grpc, endpoint: http://x }\n", "api 'grpc'")]
    [InlineData("providers:\n  p: { api: openai, endpoint: ftp://x }\n", "not an http(s) URL")]
    [InlineData("models:\n  - [x\nfoo: 1\n", "line 2, column 3: the YAML cannot be read past this point; look for an unclosed [, { or quote")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1, options: { temperature: 9 } }\n", "a temperature of 9; it must be from 0 to 2")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1, options: { maxTokens: -3 } }\n", "maxTokens of -3")]
    [InlineData("providers:\n  p: { api: openai, endpoint: http://x/v1, limits: { rpm: -5 } }\n", "a limit below 1")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1, price: { input: -1, output: 2 } }\n", "a negative price")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1, context: -1 }\n", "a context of -1; it must be at least 1 token")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1, resilience: { baseDelay: 10s, maxDelay: 1s } }\n", "baseDelay of '10s', longer than its maxDelay of '1s'")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1 }\nmodels:\n  - { name: n, api: openai, endpoint: http://x/v1 }\n", "line 3, column 1: the key 'models' is given twice")]
    [InlineData("models:\n  - name: m\n    api: openai\n    endpoint: http://x/v1\n    model: gpt-4o\n    model: gpt-5\n", "line 6, column 5: the key 'model' is given twice")]
    public void Parse_SemanticMistake_OneSentenceNamingTheFile(string yaml, string expected)
    {
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(yaml, "mine.yaml", NoSecrets));

        Assert.Contains("mine.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UserRedefinesABuiltInProvider_BuiltInModelsOfThatProviderFollowIt()
    {
        var catalog = ModelCatalog.Parse("providers:\n  openai: { api: openai, endpoint: http://127.0.0.1:9/v1, key: MY_PROXY_KEY }\n", "mine.yaml", NoSecrets);

        var entry = catalog.Resolve("gpt-4o");

        Assert.Equal("http://127.0.0.1:9/v1", entry.Endpoint!.ToString().TrimEnd('/'));
        Assert.Equal("MY_PROXY_KEY", entry.KeyVariable);
        Assert.Equal("gpt-4o", entry.ModelId);
    }

    [Theory]
    [InlineData("providers:\n  p: { api: openai, endpoint: http://x/v1, key: sk-test-SECRET123 }\n", "not the name of an environment variable")]
    [InlineData("models:\n  - { name: m, api: openai, endpoint: http://x/v1, key: \"sk-ant SECRET123\" }\n", "not the name of an environment variable")]
    [InlineData("providers:\n  p: { api: openai, endpoint: \"http://user:SECRET123@127.0.0.1:9/v1\" }\n", "user name or password")]
    public void Parse_SecretWhereANameOrUrlBelongs_IsRefusedWithoutRepeatingIt(string yaml, string expected)
    {
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(yaml, "mine.yaml", NoSecrets));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingExplicitFile_SaysSo()
    {
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Load("/nonexistent/models.yaml", NoSecrets));

        Assert.Contains("/nonexistent/models.yaml does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyPresent_FromSecretsFile_TrueWithoutRevealingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crosstalk-secrets-{Guid.NewGuid():N}.env");
        File.WriteAllText(path, "# keys\nexport MOONSHOT_API_KEY=\"sk-moon-123456789\"\n");
        try
        {
            var catalog = ModelCatalog.Parse(null, secrets: new SecretStore(path, _ => null));

            Assert.True(catalog.KeyPresent(catalog.Resolve("kimi-k2")));
            Assert.False(catalog.KeyPresent(catalog.Resolve("gpt-4o")));
            Assert.True(catalog.KeyPresent(catalog.Resolve("ollama:llama3.2")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Crosstalk.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Crosstalk.slnx) was not found.");
    }
}
