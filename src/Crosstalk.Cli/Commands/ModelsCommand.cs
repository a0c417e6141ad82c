using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Models;
using Crosstalk.Models.Offline;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk models</c>: what is configured, and which keys are present (never the keys themselves).</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var models = ModelsOption.Create();
        var command = new Command(
            "models",
            """
            Lists the models Crosstalk can use: the offline agents, the built-in catalog (OpenAI, Anthropic, xAI,
            Moonshot, DeepSeek, Gemini, OpenRouter, local Ollama / vLLM / llama.cpp) and your own catalog file,
            with the environment variable each one reads its key from and whether that key is set. Keys are never
            printed. Any OpenRouter id (e.g. x-ai/grok-4) and any provider:model also work without an entry.

            Examples:
              crosstalk models
              crosstalk models --models my-models.yaml
            """)
        {
            models,
        };
        command.SetAction(parseResult =>
        {
            using var resolver = new ModelResolver(CliEngine.Models(context, parseResult.GetValue(models)), context.TimeProvider);
            var catalog = resolver.Catalog;
            var console = context.Console;
            console.MarkupLine("[bold]offline[/] [grey]· no key, no network[/]");
            foreach (var agent in OfflineAgents.Known)
            {
                console.MarkupLine($"  {TerminalText.Escape(agent)}");
            }

            // A provider's line: where it is and whether its key is set (a key is never shown, nor a key: that is not a variable's name).
            void Provider(string name, string? endpoint, string? keyVariable, string? shownVariable, bool present)
            {
                var variable = TerminalText.Escape(shownVariable ?? "(not shown: key: is not the name of a variable)");
                var key = keyVariable is null
                    ? "[grey]no key needed[/]"
                    : present ? $"key {variable} [green]✓ set[/]" : $"key {variable} [red]✗ not set[/]";
                console.WriteLine();
                console.MarkupLine($"[bold]{TerminalText.Escape(name)}[/] [grey]{TerminalText.Escape(endpoint ?? "")}[/] · {key}");
            }

            foreach (var group in catalog.Entries.GroupBy(e => e.Provider))
            {
                var first = group.First();
                Provider(group.Key, first.EndpointForDisplay, first.KeyVariable, catalog.KeyVariableForDisplay(first), catalog.KeyPresent(first));
                var width = group.Max(e => e.Name.Length);
                foreach (var entry in group)
                {
                    var price = entry.InputPricePerMillion is { } input && entry.OutputPricePerMillion is { } output
                        ? string.Create(CultureInfo.InvariantCulture, $" · ${input:0.00}/${output:0.00} per M tokens")
                        : "";
                    console.MarkupLine($"  [bold]{TerminalText.Escape(entry.Name.PadRight(width))}[/]  \"{TerminalText.Escape(entry.DisplayName)}\" · {TerminalText.Escape(entry.ModelId)}[grey]{TerminalText.Escape(price)}[/]");
                }
            }

            // Providers with no model of their own in the catalog: local servers (Ollama, vLLM, llama.cpp) and any a user
            // added. They serve whatever model is loaded, named as provider:model.
            var listed = catalog.Entries.Select(e => e.Provider).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var provider in catalog.Providers.Where(p => !listed.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                var example = ExampleModel(provider.Name);
                Provider(provider.Name, provider.EndpointForDisplay, provider.KeyVariable, catalog.KeyVariableForDisplay(provider), catalog.KeyPresent(provider));
                console.MarkupLine($"  [grey]any model it serves, as[/] {TerminalText.Escape(provider.Name)}:MODEL [grey](e.g. {TerminalText.Escape(provider.Name)}:{TerminalText.Escape(example)})[/]");
            }

            console.WriteLine();
            console.MarkupLine("[grey]Also: provider:model (e.g. openai:gpt-4.1-nano) and any OpenRouter id (e.g. x-ai/grok-4, needs OPENROUTER_API_KEY).[/]");
            context.Console.MarkupLine(catalog.UserFile is null
                ? $"[grey]Your own models go in {TerminalText.Escape(ModelsDefaultHint(context))} (or --models FILE); see docs/models.md.[/]"
                : $"[grey]Merged with {TerminalText.Escape(catalog.UserFile)}.[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ModelsDefaultHint(CliContext context) => CliEngine.DefaultCatalog(context);

    private static string ExampleModel(string provider) => provider.ToLowerInvariant() switch
    {
        "ollama" => "llama3.2",
        "vllm" => "Qwen/Qwen2.5-7B-Instruct",
        "llamacpp" => "local",
        _ => "model-id",
    };
}
