using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk import</c>: brings transcript files into the store, as one run.</summary>
internal static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("path") { Description = "A transcript file, or a folder: every transcript file in it and below is imported." };
        var db = StoreOptions.CreateDbOption();

        var command = new Command(
            "import",
            """
            Imports transcripts into the store as one run: seed Markdown files (with the original system's JSON
            beside them: the pair is imported once), Crosstalk JSON and JSONL, and UniversalBackrooms logs (.txt
            files of '### Speaker n ###' blocks, with their metadata JSONL when it is in the folder). Files that
            are not transcripts are reported and skipped.

            Examples:
              crosstalk import seeds/
              crosstalk import conversations/Kimi-K2_vs_4o_20250714_101500_run1.md
              crosstalk import corpus.jsonl --db corpus.db
              crosstalk import universal-backrooms/BackroomsLogs/
            """)
        {
            path, db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var root = context.ResolvePath(parseResult.GetValue(path)!);
            await using var store = await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);

            // The run is made with the first transcript read: an import that reads nothing leaves no empty run behind.
            string? runId = null;
            var imported = 0;
            var failed = 0;
            var files = TranscriptSources.Collect(root);
            var relativeTo = Directory.Exists(root) ? root : Path.GetDirectoryName(root)!;
            foreach (var (file, transcript) in TranscriptSources.Read(files, skipped => { failed++; context.Error.WriteLine($"skipped: {skipped}"); }))
            {
                transcript.Metadata[TranscriptMetadataKeys.ImportedFrom] = Path.GetRelativePath(relativeTo, file);
                runId ??= await store.CreateRunAsync(
                    new RunRecord
                    {
                        ExperimentName = "import " + Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)),
                        Started = context.TimeProvider.GetLocalNow(),
                        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = root },
                    },
                    cancellationToken).ConfigureAwait(false);
                await store.CreateConversationAsync(runId, transcript, null, cancellationToken).ConfigureAwait(false);
                imported++;
            }

            if (runId is null)
            {
                throw new UserException(files.Count == 0 ? $"{root} holds no transcript files (.md, .json, .jsonl, .txt)." : $"None of the {files.Count} file(s) in {root} could be imported.");
            }

            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Imported[/] {0} conversation(s) from {1} file(s) into run [bold]{2}[/]{3}", imported, files.Count - failed, TerminalText.Escape(runId), failed > 0 ? $" ({failed} skipped)" : "");
            return ExitCodes.Success;
        });
        return command;
    }
}
