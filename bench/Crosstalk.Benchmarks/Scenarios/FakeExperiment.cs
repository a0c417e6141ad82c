using System.Globalization;

namespace Crosstalk.Benchmarks.Scenarios;

/// <summary>
/// The experiment the whole-process batch scenarios run: two models on the fake OpenAI server, both orders, each
/// conversation a set number of messages with no end token.
/// </summary>
internal static class FakeExperiment
{
    /// <summary>Writes <c>models.yaml</c> and <c>experiment.yaml</c> into <paramref name="dir"/>; returns the catalog's path.</summary>
    public static async Task<string> WriteAsync(string dir, string name, Uri endpoint, int conversations, int messages, int concurrency)
    {
        var catalog = Path.Combine(dir, "models.yaml");
        await File.WriteAllTextAsync(catalog, string.Create(CultureInfo.InvariantCulture, $"""
            providers:
              fake: {"{"} api: openai, endpoint: "{endpoint}" {"}"}
            models:
              - {"{"} name: fake-a, display: "Fake A", provider: fake, model: fake-a {"}"}
              - {"{"} name: fake-b, display: "Fake B", provider: fake, model: fake-b {"}"}
            """));
        await File.WriteAllTextAsync(Path.Combine(dir, "experiment.yaml"), string.Create(CultureInfo.InvariantCulture, $"""
            name: {name}
            models: [fake-a, fake-b]
            repetitions: {conversations / 2}
            stop: {"{"} max_messages: {messages}, end_policy: off {"}"}
            concurrency: {concurrency}
            """));
        return catalog;
    }
}
