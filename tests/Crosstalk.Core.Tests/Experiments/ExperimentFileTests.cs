using Crosstalk.Experiments;

namespace Crosstalk.Core.Tests.Experiments;

public sealed class ExperimentFileTests
{
    private const string OriginalConfig = """
        {
          "initial_message": " ",
          "max_turns": 96,
          "output_dir": "conversations",
          "end_codeword": "[END]",
          "conversations_per_pair": 2,
          "system_prompt": "You are talking to another AI. End with [END].",
          "max_workers": 512,
          "models": [
            {"name": "Kimi K2", "model_id": "moonshotai/kimi-k2-0905:exacto", "temperature": 0.7, "max_tokens": 2048},
            {"name": "4o", "model_id": "openai/gpt-4o", "temperature": 1.0, "max_tokens": 2048, "system_prompt": "Own prompt."},
            {"name": "grok-4", "model_id": "x-ai/grok-4", "temperature": 0.7, "max_tokens": 2048, "colour": "blue"}
          ],
          "verbose": true
        }
        """;

    [Theory]
    [InlineData("models: [offline:eliza]\ntemperature: NaN\n", "exp.yaml:2:14: 'temperature' must be a number from 0 to 2.")]
    [InlineData("name: \"  \"\nmodels: [offline:eliza]\n", "exp.yaml:1:7: 'name' is blank; leave it out to name the run after the file.")]
    [InlineData("name: \"a\\tb\"\nmodels: [offline:eliza]\n", "exp.yaml:1:7: 'name' must be one line of at most 200 characters.")]
    [InlineData("models: [offline:eliza, offline:markov]\nrepetitions: 2147483647\n", "exp.yaml: makes 4,294,967,294 conversations; one run holds at most 1,000,000 (fewer repetitions, or split it into several experiments).")]
    [InlineData("models: [offline:eliza]\noutput_dir: \"a\\0b\"\n", "exp.yaml:2:13: a value holds a NUL character (\\0), which no name, path, prompt or label can.")]
    [InlineData("{\"output_dir\": \"a\\u0000b\", \"models\": [{\"model_id\": \"offline:eliza\"}]}", "exp.yaml: 'output_dir' holds a character no path can hold (a NUL).")]
    [InlineData("{\"max_turns\": 2147483647, \"models\": [{\"model_id\": \"offline:eliza\"}]}", "exp.yaml: 'max_turns' must be at most 1,000,000 (was 2,147,483,647).")]
    [InlineData("{\"models\": [5]}", "exp.yaml: models[1] must be an object with a 'model_id' (was number).")]
    [InlineData("{\"models\": [{\"model_id\": \"offline:eliza\", \"name\": \"A\\ud800\"}]}", "exp.yaml: 'name' holds an escape that is half of a character (a lone \\uD800–\\uDFFF).")]
    public void Parse_ValueThatCrashedTheBatch_IsRefusedInOneLine(string text, string message)
    {
        // Each of these reached the run and ended it with exit 70 (NaN in the request JSON, a blank run name, a plan of
        // billions of conversations, a NUL in a path, max_turns + 1 past int, an element that is not an object).
        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(text, "exp.yaml"));

        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("all", "both")]
    [InlineData("all", "one")]
    [InlineData("self", "both")]
    [InlineData("all+self", "both")]
    [InlineData("all+self", "one")]
    [InlineData("[[offline:eliza, offline:markov], [offline:eliza, offline:eliza], [offline:echo, offline:markov]]", "both")]
    [InlineData("[[offline:eliza, offline:markov], [offline:eliza, offline:eliza]]", "one")]
    public void ConversationCount_CountedWithoutMakingThem_IsWhatExpandMakes(string pairs, string orders)
    {
        // The size check reads the count before a matrix is expanded (one of billions was expanded until memory ran out).
        var experiment = ExperimentFile.Parse(
            $"models: [offline:eliza, offline:markov, offline:echo]\npairs: {pairs}\norders: {orders}\nopeners: [\" \", \"Hello.\"]\nrepetitions: 2\n", "exp.yaml");

        Assert.Equal(experiment.Expand().Count, experiment.ConversationCount);
    }

    [Fact]
    public void Parse_SecondYamlDocument_IsRefusedNotIgnored()
    {
        var ex = Assert.Throws<ExperimentFileException>(() =>
            ExperimentFile.Parse("models: [offline:eliza, offline:markov]\n---\nmodels: [gpt-4o, grok-4]\n", "exp.yaml"));

        Assert.Equal("exp.yaml:3:1: the file holds 2 YAML documents (separated by '---'); an experiment is one.", ex.Message);
    }

    [Fact]
    public void Parse_OriginalConfigWithAKeyGivenTwice_IsRefusedNamingItsSecondUse()
    {
        var ex = Assert.Throws<ExperimentFileException>(() =>
            ExperimentFile.Parse("{\"models\": [{\"name\": \"E\", \"model_id\": \"offline:eliza\"}],\n \"max_turns\": 4,\n \"max_turns\": 6}\n", "config.json"));

        Assert.StartsWith("config.json:3:2: not valid JSON (Duplicate property 'max_turns'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BlankEndToken_IsRefusedNamingTheLine()
    {
        var ex = Assert.Throws<ExperimentFileException>(() =>
            ExperimentFile.Parse("models: [offline:eliza, offline:markov]\nstop: { end_token: \"\" }\n", "exp.yaml"));

        Assert.Equal("exp.yaml:2:20: 'end_token' must not be blank; to keep talking whatever the models say, set end_policy: off.", ex.Message);
    }

    [Fact]
    public void Parse_YamlNestedThirtyThousandDeep_IsOneLineNotAStackOverflow()
    {
        var yaml = "models: [offline:eliza, offline:markov]\nstop: " + new string('[', 30_000) + new string(']', 30_000) + "\n";

        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(yaml, "exp.yaml"));

        Assert.Equal("exp.yaml:2:70: the YAML nests more than 64 levels deep.", ex.Message);
    }

    [Fact]
    public void Parse_OriginalConfig_RunsEveryUnorderedPairInBothDirectionsPerRepetition()
    {
        var experiment = ExperimentFile.Parse(OriginalConfig, "config.json");

        var plans = experiment.Expand();

        // 3 unordered pairs × 2 directions × 2 conversations per pair.
        Assert.Equal(12, plans.Count);
        Assert.Equal(97, experiment.Stop.MaxMessages);
        Assert.Equal("any", experiment.Stop.EndPolicy);
        Assert.Equal(512, experiment.Concurrency);
        Assert.Equal("conversations", experiment.OutputDirectory);
        Assert.Contains(plans, p => p.First.DisplayName == "grok-4" && p.Second.DisplayName == "Kimi K2" && p.Repetition == 2);
        Assert.DoesNotContain(plans, p => p.First == p.Second);
        Assert.Equal("Own prompt.", experiment.Models[1].SystemPrompt);
        Assert.Equal(plans.Count, plans.Select(p => p.Key).Distinct().Count());
    }

    [Fact]
    public void Parse_OriginalConfigWithUnknownKeys_WarnsAboutEach()
    {
        var experiment = ExperimentFile.Parse(OriginalConfig, "config.json");

        Assert.Contains(experiment.Warnings, w => w.Contains("'verbose'", StringComparison.Ordinal));
        Assert.Contains(experiment.Warnings, w => w.Contains("'models[3].colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OriginalConfigWithoutEndCodeword_DoesNotHonourTheToken()
    {
        var experiment = ExperimentFile.Parse("""{"max_turns": 4, "models": [{"name": "a", "model_id": "x/a"}, {"name": "b", "model_id": "x/b"}]}""", "config.json");

        Assert.Equal("off", experiment.Stop.EndPolicy);
        Assert.Equal(5, experiment.Stop.MaxMessages);
    }

    [Fact]
    public void Parse_Yaml_ExpandsTheWholeMatrixWithStableKeys()
    {
        const string Yaml = """
            name: demo
            models:
              - offline:eliza
              - model: offline:markov
                name: Markov
                temperature: 0.5
            pairs: all+self
            orders: both
            openers: [" ", "Hello there.", none]
            system_prompts:
              - "You are {self}; you talk to {other}. End with {end_token}."
            repetitions: 2
            stop:
              max_messages: 40
              end_policy: mutual
              guards: [goodbye-loop, repetition]
              time_limit: 10m
            seed: 42
            concurrency: 4
            cost_ceiling: 2.50
            """;

        var experiment = ExperimentFile.Parse(Yaml, "demo.yaml");
        var plans = experiment.Expand();

        // pairs: (eliza,markov) both orders + 2 self pairs = 4; × 3 openers × 1 prompt × 2 repetitions.
        Assert.Equal(24, plans.Count);
        Assert.Contains(plans, p => p.Opener is null);
        Assert.Equal(["goodbye-loop", "repetition"], experiment.Stop.Guards);
        Assert.Equal(TimeSpan.FromMinutes(10), experiment.Stop.TimeLimit);
        Assert.Equal(2.50m, experiment.CostCeiling);
        Assert.Equal(plans.Select(p => p.Key), ExperimentFile.Parse(Yaml, "demo.yaml").Expand().Select(p => p.Key));
        Assert.Equal(plans.Select(p => p.Seed), ExperimentFile.Parse(Yaml, "demo.yaml").Expand().Select(p => p.Seed));
        Assert.Empty(experiment.Warnings);
    }

    [Theory]
    [InlineData("models: [offline:eliza]\nrepetitions: many\n", 2, 14, "'repetitions' must be a whole number")]
    [InlineData("models: [offline:eliza]\nstop:\n  end_policy: sometimes\n", 3, 15, "'end_policy' must be any, mutual or off")]
    [InlineData("models: [a, b]\npairs: [[a, c]]\n", 2, 13, "'c' is not one of the models")]
    [InlineData("models: [a\n", 2, 1, "")]
    [InlineData("models:\n  - offline:eliza\n  - [offline:markov\nrepetitions: 1\n", 2, 18, "look for an unclosed [, { or quote")]
    [InlineData("name: x\n", 1, 1, "needs 'models:'")]
    [InlineData("models: [a, b]\ntemperature: 9\n", 2, 14, "'temperature' must be a number from 0 to 2")]
    [InlineData("models:\n  - model: a\n    max_tokens: -1\n  - b\n", 3, 17, "'max_tokens' must be at least 1")]
    [InlineData("models: [a, b]\nrepetitions: 99999999999\n", 2, 14, "'repetitions' is too large: at most 2,147,483,647")]
    [InlineData("models: [a, b]\nsystem_prompts: [\"You are {self}, not {nope}.\"]\n", 2, 17, "system_prompts has {nope}, which is not a placeholder; the placeholders are {self}, {other} and {end_token}")]
    [InlineData("models:\n  - a\n  - model: b\n    system_prompt: \"{slef}\"\n", 3, 5, "the system_prompt of b has {slef}")]
    public void Parse_BadYaml_NamesFileLineAndColumn(string yaml, int line, int column, string problem)
    {
        var error = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(yaml, "bad.yaml"));

        Assert.StartsWith($"bad.yaml:{line}:{column}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_SystemPromptWithBracesThatAreNoPlaceholder_IsKept()
    {
        var experiment = ExperimentFile.Parse("models: [a, b]\nsystem_prompts: ['Answer as JSON: {\"mood\": \"calm\"}; {a b}; end with {end_token}']\n", "ok.yaml");

        Assert.Equal("Answer as JSON: {\"mood\": \"calm\"}; {a b}; end with {end_token}", experiment.SystemPrompts[0]);
    }

    [Theory]
    [InlineData("\"max_turns\": -5", "'max_turns' must be at least 1 (was -5)")]
    [InlineData("\"max_turns\": 4.7", "'max_turns' must be a whole number (was 4.7)")]
    [InlineData("\"max_turns\": \"four\"", "'max_turns' must be a whole number (was \"four\")")]
    [InlineData("\"conversations_per_pair\": 0", "'conversations_per_pair' must be at least 1")]
    [InlineData("\"max_workers\": 0", "'max_workers' must be at least 1")]
    [InlineData("\"models\": [{\"model_id\": \"a\", \"temperature\": \"hot\"}, {\"model_id\": \"b\"}]", "'models[1].temperature' must be a number from 0 to 2")]
    [InlineData("\"models\": [{\"model_id\": \"a\", \"max_tokens\": 1e12}, {\"model_id\": \"b\"}]", "'models[1].max_tokens' must be a whole number")]
    public void Parse_OriginalConfigWithAValueOutOfRangeOrOfTheWrongType_SaysWhichAndWhatItWas(string property, string problem)
    {
        var json = property.StartsWith("\"models\"", StringComparison.Ordinal)
            ? "{" + property + "}"
            : "{\"models\": [{\"model_id\": \"a\"}, {\"model_id\": \"b\"}], " + property + "}";

        var error = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(json, "config.json"));

        Assert.StartsWith("config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_YamlWithUnknownKey_Warns()
    {
        var experiment = ExperimentFile.Parse("models: [a, b]\nrepetitons: 3\n", "typo.yaml");

        var warning = Assert.Single(experiment.Warnings);
        Assert.Equal("typo.yaml:2:1: unknown key 'repetitons' is ignored.", warning);
    }
}
