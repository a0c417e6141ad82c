using System.CommandLine;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk convert FILE --to markdown|json [-o FILE]</c></summary>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "A transcript: seed Markdown, Crosstalk JSON or JSONL, or the original system's JSON (detected from the content)." };
        var to = new Option<string>("--to")
        {
            Description = "The format to write: markdown (the seed format, byte for byte), json (Crosstalk JSON), jsonl (one transcript per line) or original-json (the original system's JSON).",
            Required = true,
        };
        to.AcceptOnlyFromAmong("markdown", "json", "jsonl", "original-json");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output." };

        var command = new Command(
            "convert",
            """
            Converts a transcript between formats. The input format is detected; Markdown written by Crosstalk
            reads back exactly, and the seed files round-trip byte for byte (Markdown → JSON → Markdown).

            Examples:
              crosstalk convert 001_56cfc8f72ca96c78.txt --to json -o 001.json
              crosstalk convert 001.json --to markdown > 001.md
            """)
        {
            file,
            to,
            output,
        };
        command.SetAction(parseResult =>
        {
            var path = context.ResolvePath(parseResult.GetValue(file)!);
            var format = parseResult.GetValue(to)!;
            var target = parseResult.GetValue(output);
            var transcripts = Crosstalk.Engine.Imports.TranscriptSources.ReadOne(path).ToList();
            transcripts.ForEach(context.WarnAbout);

            if (transcripts.Count != 1 && format != "jsonl")
            {
                throw new UserException($"{path} holds {transcripts.Count} transcripts; convert it --to jsonl, or export them one file each.");
            }

            var text = format switch
            {
                "markdown" => SeedMarkdown.Write(transcripts[0]),
                "json" => TranscriptJson.Write(transcripts[0]) + "\n", // as `run` and `export` write it: converting their file gives it back byte for byte
                "original-json" => OriginalJson.Write(transcripts[0]),
                _ => WriteJsonl(transcripts),
            };

            // Said once the file could be written (a refusal is the one line to read).
            var (lost, holds) = format switch
            {
                "markdown" => (SeedMarkdown.NotKept(transcripts[0]), "seed Markdown holds"),
                "original-json" => (OriginalJson.NotKept(transcripts[0]), "the original system's JSON holds"),
                _ => ([], ""),
            };
            if (lost.Count > 0)
            {
                context.Say("warning", $"{holds} names, times and messages only; not written: {string.Join(", ", lost)} (--to json keeps them)");
            }

            if (target is null)
            {
                context.Output.Write(text);
                context.Output.Flush();
            }
            else
            {
                var targetPath = OutputPaths.File(context, target, "--output");
                AtomicFile.WriteAllText(targetPath, text);
                context.Console.MarkupLineInterpolated($"[green]Wrote[/] {targetPath}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string WriteJsonl(IEnumerable<Transcript> transcripts)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        foreach (var transcript in transcripts)
        {
            TranscriptJson.WriteLine(writer, transcript);
        }

        return writer.ToString();
    }
}
