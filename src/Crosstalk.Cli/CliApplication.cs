using System.CommandLine;
using System.CommandLine.Parsing;
using Crosstalk.Cli.Commands;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli;

/// <summary>Builds the <c>crosstalk</c> command tree and runs it with one-line errors and stable exit codes.</summary>
internal static class CliApplication
{
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(
            """
            Crosstalk runs conversations between language models, records every message as it arrives,
            and shows what happened.

            Examples:
              crosstalk run                                  two offline agents talk (no key, no network)
              crosstalk show transcripts/ELIZA_vs_Markov.md  read a transcript in the terminal
              crosstalk convert seed.md --to json -o seed.json
              crosstalk batch experiment.yaml                run an experiment in parallel, into the store
              crosstalk resume                               continue after Ctrl+C or a crash
              crosstalk export RUN --to markdown -o out/     one seed-format file per conversation
              crosstalk serve                                browse everything in the browser
            """);
        root.Add(RunCommand.Create(context));
        root.Add(ShowCommand.Create(context));
        root.Add(ConvertCommand.Create(context));
        root.Add(BatchCommand.Create(context));
        root.Add(ResumeCommand.Create(context));
        root.Add(ListCommand.Create(context));
        root.Add(ExportCommand.Create(context));
        root.Add(ImportCommand.Create(context));
        root.Add(ForkCommand.Create(context));
        root.Add(ServeCommand.Create(context));
        root.Add(ModelsCommand.Create(context));
        root.Add(AnalyzeCommand.Create(context));
        root.Add(JudgeCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parseResult.Errors)
            {
                var option = OptionOf(error.SymbolResult);
                var prefix = option is null || error.Message.Contains(option, StringComparison.Ordinal) ? "" : option + ": ";
                await context.Error.WriteLineAsync($"error: {prefix}{error.Message}").ConfigureAwait(false);
            }

            var commandName = parseResult.CommandResult.Command.Name;
            var hint = parseResult.CommandResult.Command == root ? "crosstalk --help" : $"crosstalk {commandName} --help";
            await context.Error.WriteLineAsync($"See '{hint}'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,

            // Ctrl+C is handled by ConsoleInterrupts (graceful first, immediate second), not on a timer.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UserError;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("Interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }

    private static string? OptionOf(SymbolResult? result)
    {
        for (var current = result; current is not null; current = current.Parent)
        {
            if (current is OptionResult optionResult)
            {
                return optionResult.Option.Name;
            }
        }

        return null;
    }

    private static bool IsUserError(Exception ex) =>
        ex is UserException or TranscriptFormatException or TranscriptStoreException or ExperimentFileException;
}
