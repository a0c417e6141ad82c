using System.CommandLine;
using Crosstalk.Cli.Rendering;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk show FILE</c></summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A transcript in any format Crosstalk reads (seed Markdown, JSON, JSONL, the original system's JSON, and the formats 'crosstalk import' lists)." };
        var details = new Option<bool>("--details", "-d") { Description = "Also show what each message cost and how it went: tokens, cost, latency, finish reason, failed attempts; and the totals." };
        var index = new Option<int>("--index", "-n") { Description = "Which conversation of a file that holds several (JSONL, an Inspect AI log), from 1.", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var command = new Command(
            "show",
            """
            Shows a transcript in the terminal: who talked, when, how many messages and why it stopped,
            then every message in its speaker's colour with its Markdown made readable.

            Examples:
              crosstalk show transcripts/ELIZA_vs_Markov_20261123_101500.md
              crosstalk show 001_56cfc8f72ca96c78.txt | less -R
              crosstalk show corpus.jsonl --index 12
              crosstalk show transcripts/run.json --details
            """)
        {
            file, index, details,
        };
        command.SetAction(parseResult =>
        {
            var path = context.ResolvePath(parseResult.GetValue(file)!);
            var wanted = parseResult.GetValue(index);

            // Every conversation of the file is read (one at a time; only the one shown is kept), so a bad line anywhere in
            // it is reported, not only in the one shown.
            Crosstalk.Transcripts.Transcript? transcript = null;
            var count = 0;
            foreach (var read in Crosstalk.Engine.Imports.TranscriptSources.ReadOne(path))
            {
                if (++count == wanted)
                {
                    transcript = read;
                    context.WarnAbout(read);
                }
            }

            if (transcript is null)
            {
                throw new UsageException($"--index {wanted}: {path} holds {count} conversation(s).");
            }

            if (count > 1)
            {
                context.Console.MarkupLine($"[grey]Conversation {wanted} of {count} in this file; --index N shows another.[/]");
            }

            var withDetails = parseResult.GetValue(details);
            context.Console.Write(TranscriptView.Header(transcript));
            if (withDetails)
            {
                context.Console.Write(TranscriptView.Totals(transcript));
            }

            context.Console.WriteLine();
            foreach (var renderable in TranscriptView.Messages(transcript, withDetails))
            {
                context.Console.Write(renderable);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
