namespace Crosstalk.Cli.Tests;

/// <summary>A budget in dollars is only as good as the prices behind it: one that could never be reached is refused at start.</summary>
public sealed class MoneyTests
{
    private const string Catalog = """
        providers:
          closed:
            api: openai
            endpoint: http://127.0.0.1:9/v1
            resilience: { attempts: 1 }
        """;

    [Fact]
    public async Task Batch_CostBudgetWithAnUnpricedModel_RefusedInOneLine_AllowedWithTheFlag()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "models.yaml"), Catalog);
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, closed:some-model]\nstop: { cost_budget: 0.50, max_messages: 4 }\n");

        var refused = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--models", "models.yaml", "--db", "s.db", "--quiet");

        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.StandardError.Trim().Split('\n'));
        Assert.Contains("exp.yaml: cost_budget is set, but closed:some-model has no price in the model catalog", line, StringComparison.Ordinal);
        Assert.Contains("--allow-unpriced", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Run r-", refused.StandardOutput, StringComparison.Ordinal);

        // Allowed, the run goes ahead (here to a closed port: its conversations stop on the error, as they would anyway).
        var allowed = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--models", "models.yaml", "--db", "s.db", "--quiet", "--allow-unpriced");
        Assert.Contains("Run r-", allowed.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("has no price", allowed.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_CostCeilingOverAnUnpricedModel_RefusedBeforeAnythingIsReopened()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "models.yaml"), Catalog);
        await File.WriteAllTextAsync(Path.Combine(dir, "exp.yaml"), "models: [offline:eliza, closed:some-model]\nstop: { max_messages: 4 }\n");
        var batch = await CrosstalkProcess.RunAsync(dir, "batch", "exp.yaml", "--models", "models.yaml", "--db", "s.db", "--quiet");
        Assert.Contains("stopped on an error", batch.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);

        var refused = await CrosstalkProcess.RunAsync(dir, "resume", "--retry-failed", "--cost-ceiling", "5", "--models", "models.yaml", "--db", "s.db", "--quiet");

        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.StandardError.Trim().Split('\n'));
        Assert.Contains("--cost-ceiling is set, but closed:some-model has no price in the model catalog", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Retrying", refused.StandardOutput, StringComparison.Ordinal);

        var allowed = await CrosstalkProcess.RunAsync(dir, "resume", "--retry-failed", "--cost-ceiling", "5", "--allow-unpriced", "--models", "models.yaml", "--db", "s.db", "--quiet");
        Assert.Contains("Retrying 2 conversation(s)", allowed.StandardOutput.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fork_CostBudgetWithAnUnpricedModel_Refused_AllowedWithTheFlag()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "models.yaml"), Catalog);
        var run = await CrosstalkProcess.RunAsync(dir, "run", "--max-messages", "4", "--quiet", "--db", "s.db");
        Assert.True(run.ExitCode == 0, run.StandardError);

        var refused = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", "2", "--b", "closed:some-model", "--stop-policy", "max-messages:8 | cost-budget:1", "--models", "models.yaml", "--db", "s.db", "--quiet");
        var allowed = await CrosstalkProcess.RunAsync(dir, "fork", "1", "--at", "2", "--b", "closed:some-model", "--stop-policy", "max-messages:8 | cost-budget:1", "--allow-unpriced", "--models", "models.yaml", "--db", "s.db", "--quiet");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("cost-budget is set, but closed:some-model has no price in the model catalog", Assert.Single(refused.StandardError.Trim().Split('\n')), StringComparison.Ordinal);
        Assert.DoesNotContain("has no price", allowed.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CostBudget_RefusedForAnUnpricedModel_FineForOfflineAgents()
    {
        var dir = CrosstalkProcess.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "models.yaml"), Catalog);

        var refused = await CrosstalkProcess.RunAsync(dir, "run", "--b", "closed:some-model", "--cost-budget", "1", "--models", "models.yaml", "--quiet", "--no-store");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("has no price in the model catalog", refused.StandardError, StringComparison.Ordinal);

        // Offline agents cost nothing: a budget over them is simply never spent.
        var offline = await CrosstalkProcess.RunAsync(dir, "run", "--cost-budget", "1", "--max-messages", "4", "--quiet", "--no-store");
        Assert.True(offline.ExitCode == 0, offline.StandardError);
    }
}
