using System.CommandLine;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--models</c> option: a user catalog merged over the built-in models.</summary>
internal static class ModelsOption
{
    /// <param name="name">"--models", or "--catalog" where --models names a list of models (study run).</param>
    public static Option<string?> Create(string name = "--models") => new(name)
    {
        Description = $"A YAML model catalog merged over the built-in one (see docs/models.md). Default: ${CliEngine.ModelsVariable}, else ~/.config/crosstalk/models.yaml when it exists.",
    };
}
