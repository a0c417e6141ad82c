using System.CommandLine;
using Crosstalk.Cli.Rendering;
using Crosstalk.Transcripts.Formats;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk show FILE</c></summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A transcript in any format Crosstalk reads (seed Markdown, JSON, the original system's JSON)." };
        var command = new Command(
            "show",
            """
            Shows a transcript in the terminal: who talked, when, how many messages and why it stopped,
            then every message in its speaker's colour with its Markdown made readable.

            Examples:
              crosstalk show transcripts/ELIZA_vs_Markov_20261123_101500.md
              crosstalk show 001_56cfc8f72ca96c78.txt | less -R
            """)
        {
            file,
        };
        command.SetAction(parseResult =>
        {
            var path = context.ResolvePath(parseResult.GetValue(file)!);
            var transcript = TranscriptFile.Read(path);
            context.Console.Write(TranscriptView.Header(transcript));
            context.Console.WriteLine();
            foreach (var renderable in TranscriptView.Messages(transcript))
            {
                context.Console.Write(renderable);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
