using Spectre.Console.Testing;

namespace Crosstalk.Cli.Tests;

/// <summary>Where the command finds the store and the catalog: the CLI reads the environment, the libraries read none.</summary>
public sealed class CliEngineTests
{
    private static CliContext Context(Dictionary<string, string> environment, string workingDirectory = "/work") =>
        new(new TestConsole(), TextWriter.Null, TextWriter.Null, TimeProvider.System, name => environment.GetValueOrDefault(name), workingDirectory);

    [Fact]
    public void Database_NothingGiven_IsUnderXdgDataHome()
    {
        var context = Context(new() { ["XDG_DATA_HOME"] = "/data", ["HOME"] = "/home/u" });

        Assert.Equal("/data/crosstalk/crosstalk.db", CliEngine.Database(context, null));
    }

    [Fact]
    public void Database_NoXdgDataHome_IsUnderLocalShare()
    {
        var context = Context(new() { ["HOME"] = "/home/u" });

        Assert.Equal("/home/u/.local/share/crosstalk/crosstalk.db", CliEngine.Database(context, null));
    }

    [Fact]
    public void Database_VariableSetAndNoOption_IsTheVariablesFileMadeAbsolute()
    {
        var context = Context(new() { [CliEngine.DatabaseVariable] = "runs/x.db", ["HOME"] = "/home/u" });

        Assert.Equal("/work/runs/x.db", CliEngine.Database(context, "  "));
        Assert.Equal("/home/u/y.db", CliEngine.Database(context, "~/y.db"));
        Assert.Equal("postgres://u:p@h/d", CliEngine.Database(context, "postgres://u:p@h/d"));
    }

    [Fact]
    public void Models_CatalogOnlyWhenNamedOrPresent_AndKeysFromThisEnvironment()
    {
        var context = Context(new() { ["HOME"] = "/nonexistent-home", ["OPENAI_API_KEY"] = "sk-test" });

        var options = CliEngine.Models(context, modelsFile: null);

        Assert.Null(options.CatalogFile);
        Assert.Equal("/nonexistent-home/.config/crosstalk/secrets.env", options.SecretsFile);
        Assert.Equal("sk-test", options.Environment("OPENAI_API_KEY"));
        Assert.Equal("/work/mine.yaml", CliEngine.Models(context, "mine.yaml").CatalogFile);
    }
}
