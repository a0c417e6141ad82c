using Crosstalk.Models.Catalog;
using Crosstalk.Models.Middleware;
using Crosstalk.Models.Providers;

namespace Crosstalk.Models.Tests.Catalog;

/// <summary>A catalog's <c>resilience:</c> settings, and what of a catalog may be shown.</summary>
public sealed class CatalogResilienceTests
{
    private static readonly SecretStore NoSecrets = new("/nonexistent/secrets.env", _ => null);

    [Fact]
    public void Parse_ResilienceOnProviderAndModel_ModelOverProviderOverDefaults()
    {
        var catalog = ModelCatalog.Parse(
            """
            providers:
              slow: { api: openai, endpoint: "http://127.0.0.1:9/v1", resilience: { attempts: 3, totalTimeout: 30m, firstTokenTimeout: 5m } }
            models:
              - { name: patient, provider: slow, resilience: { attempts: 9, baseDelay: 500ms, idleTimeout: 90s } }
              - { name: plain, provider: slow }
            """,
            secrets: NoSecrets);
        var defaults = new ResilienceOptions();

        var patient = catalog.Resolve("patient").Resilience.ApplyTo(defaults);
        var plain = catalog.Resolve("plain").Resilience.ApplyTo(defaults);

        Assert.Equal((9, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(90)), (patient.MaxAttempts, patient.BaseDelay, patient.IdleTimeout));
        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(5)), (patient.TotalTimeout, patient.FirstTokenTimeout));
        Assert.Equal(3, plain.MaxAttempts);
        Assert.Equal(defaults.BaseDelay, plain.BaseDelay);
        Assert.Equal(defaults.MaxDelay, plain.MaxDelay);
        Assert.Same(defaults, catalog.Resolve("openai:gpt-4o").Resilience.ApplyTo(defaults));
    }

    [Theory]
    [InlineData("attempts: 0", "resilience attempts of 0; it must be from 1 to 100")]
    [InlineData("baseDelay: soon", "resilience baseDelay of 'soon'; write a duration such as 90s")]
    [InlineData("idleTimeout: 0s", "resilience idleTimeout of '0s'; write a duration")]
    [InlineData("totalTimeout: 2d", "resilience totalTimeout of '2d'")]
    [InlineData("maxDelay: 30", "resilience maxDelay of '30'")]
    [InlineData("retries: 3", "unknown key 'retries'")]
    public void Parse_BadResilienceValue_OneSentenceNamingFileModelAndKey(string setting, string expected)
    {
        var error = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Parse(
            $"models:\n  - {{ name: m, api: openai, endpoint: \"http://127.0.0.1:9/v1\", resilience: {{ {setting} }} }}\n", "models.yaml", NoSecrets));

        Assert.Contains("models.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVariableForDisplay_KeyPastedIntoKey_NeverShownAndRedactedFromThenOn()
    {
        var pasted = "AbCdEf" + Guid.NewGuid().ToString("N");
        var catalog = ModelCatalog.Parse(
            $"""
            models:
              - {"{"} name: pasted, api: openai, endpoint: "http://127.0.0.1:9/v1", key: {pasted} {"}"}
              - {"{"} name: named, api: openai, endpoint: "http://127.0.0.1:9/v1", key: MY_LAB_KEY_2 {"}"}
            """,
            secrets: NoSecrets);

        Assert.Null(catalog.KeyVariableForDisplay(catalog.Resolve("pasted")));
        Assert.Equal("MY_LAB_KEY_2", catalog.KeyVariableForDisplay(catalog.Resolve("named")));
        var error = Assert.Throws<ModelCatalogException>(() => new ModelClientFactory(catalog).CreateClient("pasted", out _));
        Assert.DoesNotContain(pasted, error.Message, StringComparison.Ordinal);
        Assert.Contains("names no variable that is set", error.Message, StringComparison.Ordinal);
        Assert.Equal("failed with [redacted]", SecretRedactor.Redact($"failed with {pasted}"));
    }

    [Fact]
    public void EndpointForDisplay_QueryWithAKey_ShownWithoutIt()
    {
        var catalog = ModelCatalog.Parse("models:\n  - { name: q, api: openai, endpoint: \"https://proxy.example/v1?api_key=abc123secret#frag\" }\n", secrets: NoSecrets);

        Assert.Equal("https://proxy.example/v1", catalog.Resolve("q").EndpointForDisplay);
    }
}
