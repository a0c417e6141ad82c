using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Crosstalk.Cli.Commands;
using Crosstalk.Engine;
using Crosstalk.Engine.Models;
using Crosstalk.Experiments;
using Crosstalk.Models.Catalog;
using Crosstalk.Models.Providers;
using Crosstalk.Storage;
using Crosstalk.Transcripts;

namespace Crosstalk.Cli;

/// <summary>Builds the <c>crosstalk</c> command tree and runs it with one-line errors and stable exit codes.</summary>
internal static partial class CliApplication
{
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(
            """
            Crosstalk runs conversations between language models, records every message as it arrives,
            and shows what happened.

            Examples:
              crosstalk run                        two offline agents talk (no key needed)
              crosstalk show transcripts/A_vs_B.md read a transcript in the terminal
              crosstalk convert seed.md --to json -o seed.json
              crosstalk batch experiment.yaml      an experiment, run into the store
              crosstalk resume                     go on after Ctrl+C or a crash
              crosstalk export RUN --to markdown   one seed-format file per conversation
              crosstalk serve                      browse everything in the browser
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
        root.Add(DeleteCommand.Create(context));
        root.Add(ServeCommand.Create(context));
        root.Add(ModelsCommand.Create(context));
        root.Add(AnalyzeCommand.Create(context));
        root.Add(JudgeCommand.Create(context));
        root.Add(StudyCommand.Create(context));
        root.Add(SweepCommand.Create(context));
        root.Add(ClusterCommand.Create(context));
        UseShortRootHelp(root);
        return root;
    }

    /// <summary>
    /// The command list of <c>crosstalk --help</c> shows each command's first sentence; its whole description,
    /// with examples, is in <c>crosstalk COMMAND --help</c>.
    /// </summary>
    private static void UseShortRootHelp(RootCommand root)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: SynchronousCommandLineAction original } helpOption)
        {
            helpOption.Action = new HelpWithSummaries(original);
        }
    }

    private static int HelpWidth => Console.IsOutputRedirected ? 80 : Math.Clamp(Console.WindowWidth, 40, 160);

    /// <summary>
    /// A command's description reflowed to <paramref name="width"/>: the sentences of a paragraph fill its lines, and
    /// indented lines (examples, lists) stay as they are written.
    /// </summary>
    private static string? Reflow(string? description, int width)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return description;
        }

        var lines = new List<string>();
        var prose = new List<string>();
        foreach (var line in description.ReplaceLineEndings("\n").Split('\n').Append(string.Empty))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                prose.Add(line.Trim());
                continue;
            }

            lines.AddRange(Wrap(string.Join(' ', prose), width));
            prose.Clear();
            lines.Add(line.TrimEnd());
        }

        return string.Join('\n', lines).TrimEnd();
    }

    /// <summary>Breaks <paramref name="text"/> into lines of at most <paramref name="width"/> characters, at spaces.</summary>
    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["run"] = "One conversation, streamed live, saved as Markdown and JSON (offline agents by default).",
        ["show"] = "Read a transcript in the terminal.",
        ["convert"] = "Convert between seed Markdown, JSON, JSONL and the original system's JSON.",
        ["batch"] = "Run an experiment (YAML, or the original config.json) in parallel, into the store.",
        ["resume"] = "Continue a run (or one conversation) after Ctrl+C, a crash or kill -9.",
        ["list"] = "Runs and conversations in the store, with filters.",
        ["export"] = "Write runs or the store as Markdown, JSON, JSONL, ShareGPT/OpenAI chat data, Parquet or a dataset.",
        ["import"] = "Bring transcripts into the store: Crosstalk's, the seeds, UniversalBackrooms, Inspect AI, chat JSONL, more.",
        ["fork"] = "A new conversation from the first N messages of a stored one.",
        ["delete"] = "Delete a run with its conversations, or one conversation.",
        ["serve"] = "Browse, search and watch conversations in the browser.",
        ["models"] = "The models you can use, and whether their keys are set.",
        ["cluster"] = "Run one experiment across many machines: start silos, see what they run.",
        ["analyze"] = "End signals, goodbye loops, refusals, repetition, signatures (no network).",
        ["judge"] = "Score conversations with an LLM judge and a rubric (cached).",
        ["study"] = "Re-run a published study and get its table, with intervals (attractors, self-interaction, topics-and-endings).",
        ["sweep"] = "Fork N continuations from message K: how often does the ending recur?",
    };

    private static string Summary(Command command)
    {
        if (Summaries.TryGetValue(command.Name, out var summary))
        {
            return summary;
        }

        var paragraph = (command.Description ?? string.Empty).Split("\n\n", 2)[0].ReplaceLineEndings(" ");
        var end = paragraph.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? paragraph.TrimEnd('.') : paragraph[..end]) + ".";
    }

    private sealed class HelpWithSummaries(SynchronousCommandLineAction original) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command is not RootCommand root)
            {
                if (original is not HelpAction help)
                {
                    return original.Invoke(parseResult);
                }

                // The terminal's width, or 80 columns when the help goes to a file or pipe. The description is reflowed here
                // (System.CommandLine keeps each written line and wraps it alone), the usage and options by System.CommandLine.
                // The command tree is built for this one invocation, so the description can be taken from it.
                var command = parseResult.CommandResult.Command;
                command.Description = Reflow(command.Description, HelpWidth - 3);
                help.MaxWidth = HelpWidth;
                return help.Invoke(parseResult);
            }

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Description:");
            foreach (var line in Reflow(root.Description, HelpWidth - 2)!.Split('\n'))
            {
                output.WriteLine(("  " + line).TrimEnd());
            }

            output.WriteLine();
            output.WriteLine("Usage:");
            output.WriteLine("  crosstalk [command] [options]");
            output.WriteLine();
            output.WriteLine("Commands:");
            var width = root.Subcommands.Max(c => c.Name.Length);
            foreach (var command in root.Subcommands)
            {
                var indent = new string(' ', width + 4);
                var lines = Wrap(Summary(command), Math.Max(20, HelpWidth - indent.Length)).ToList();
                output.WriteLine($"  {command.Name.PadRight(width)}  {lines[0]}");
                foreach (var more in lines.Skip(1))
                {
                    output.WriteLine(indent + more);
                }
            }

            output.WriteLine();
            output.WriteLine("Options:");
            output.WriteLine("  -?, -h, --help  Show help and usage information");
            output.WriteLine("  --version       Show version information");
            output.WriteLine();
            output.WriteLine("Run 'crosstalk COMMAND --help' for a command's options and examples.");
            return ExitCodes.Success;
        }
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not (HelpAction or HelpWithSummaries))
        {
            foreach (var error in parseResult.Errors)
            {
                var option = OptionOf(error.SymbolResult);
                // The value is the user's own text, but it may hold an escape sequence or be 100 KB long: shown, not acted on.
                var message = Crosstalk.Transcripts.ErrorText.OneLine(OneLine(error.Message));
                var prefix = option is null || message.Contains(option, StringComparison.Ordinal) ? "" : option + ": ";
                await context.Error.WriteLineAsync($"error: {prefix}{message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"See '{Help(parseResult.CommandResult)}'.").ConfigureAwait(false);
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
        catch (UsageException ex)
        {
            await context.Error.WriteLineAsync($"error: {ErrorText.OneLine(ex.Message)}").ConfigureAwait(false);
            await context.Error.WriteLineAsync($"See '{Help(parseResult.CommandResult)}'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            // Every error is one line, whatever it quotes (a name, a path, a model's reply): control characters are shown as
            // pictures, never sent to the terminal, and a long quotation is cut.
            await context.Error.WriteLineAsync($"error: {ErrorText.OneLine(ex.Message)}").ConfigureAwait(false);
            return ExitCodes.UserError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file or folder that cannot be read or written (permissions, a full disk, a path that vanished): the
            // machine's state, not a bug. The runtime's message names the path.
            await context.Error.WriteLineAsync($"error: {ErrorText.OneLine(ex.Message)}").ConfigureAwait(false);
            return ExitCodes.UserError;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("Interrupted.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (context.Environment("CROSSTALK_DEBUG") is not ("1" or "true"))
        {
            // Never a stack trace on the terminal: one line, and how to get the details for a bug report.
            await context.Error.WriteLineAsync($"error: {ErrorText.OneLine(ex.Message)} ({ex.GetType().Name}; this is a bug in Crosstalk — run again with CROSSTALK_DEBUG=1 for the details to report)").ConfigureAwait(false);
            return ExitCodes.Internal;
        }
    }

    // System.CommandLine lists the accepted values one per line ("Must be one of:\n\t'any'\n\t'mutual'"): one line instead.
    // Its parse errors name .NET types ("as expected type 'System.Nullable`1[System.Int32]'"): said in words instead.
    private static string OneLine(string message)
    {
        var line = string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Replace("' '", "', '", StringComparison.Ordinal);
        return CannotParse().Match(line) is { Success: true } match
            ? $"'{match.Groups["value"].Value}' is not {Kind(match.Groups["type"].Value)}."
            : line;

        static string Kind(string type) =>
            type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Decimal", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
            : type.Contains("TimeSpan", StringComparison.Ordinal) ? "a duration"
            : "a value this option takes";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|argument) '[^']*' as expected type '(?<type>[^']*)'\.?$")]
    private static partial Regex CannotParse();

    // The help to read for a command, by its whole path below the root ('crosstalk study report --help', not 'report'), so
    // that it can be typed as it is.
    private static string Help(CommandResult command) =>
        command.Parent is null ? "crosstalk --help" : $"crosstalk {OptionRules.CommandPath(command)} --help";

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
        ex is UserException or TranscriptFormatException or TranscriptStoreException or ExperimentFileException
            or ModelCatalogException or ProviderException or PlanException or ModelResolutionException;
}
