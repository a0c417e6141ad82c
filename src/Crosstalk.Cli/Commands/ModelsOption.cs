using System.CommandLine;

namespace Crosstalk.Cli.Commands;

/// <summary>The <c>--models</c> option: a user catalog merged over the built-in models.</summary>
internal static class ModelsOption
{
    public static Option<string?> Create() => new("--models")
    {
        Description = $"A YAML model catalog merged over the built-in one (see docs/models.md). Default: ${CliEngine.ModelsVariable}, else ~/.config/crosstalk/models.yaml when it exists.",
    };
}
