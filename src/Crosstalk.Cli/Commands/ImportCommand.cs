using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Imports;
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
            Imports conversations into the store as one run; one already in the store is not added again. Reads
            Crosstalk's own files (seed Markdown, JSON, JSONL, Parquet, a Hugging Face dataset folder from 'export
            --to hf'), the original system's Markdown with its JSON beside it, UniversalBackrooms logs (with their
            metadata JSONL), Inspect AI eval logs (.json and .eval), llm2llm conversations, liminal_backrooms'
            conversation_full.html, chat_bridge transcripts, and ShareGPT or OpenAI-chat JSONL. Each conversation
            keeps where it came from, and its analysis is kept with it. Files that cannot be read are reported, one
            line each, and skipped. Stopped with Ctrl+C, an import keeps what it stored; the same command again adds
            the rest, as a run of its own.

            Examples:
              crosstalk import seeds/
              crosstalk import conversations/Kimi-K2_vs_4o_20250714_101500_run1.md
              crosstalk import corpus.jsonl --db corpus.db
              crosstalk import universal-backrooms/BackroomsLogs/
              crosstalk import logs/2026-05-14T09-21-07_multiturn-math.eval
              crosstalk import my-dataset/   # a folder from 'crosstalk export --to hf'
            """)
        {
            path, db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var root = context.ResolvePath(parseResult.GetValue(path)!);
            await using var store = await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var importer = new TranscriptImporter(store, context.TimeProvider);
            var failed = 0;
            var filesRead = new HashSet<string>(StringComparer.Ordinal); // what held conversations (not a metadata file beside logs)
            if (!File.Exists(root) && !Directory.Exists(root))
            {
                throw new UserException($"{root} does not exist.");
            }

            var files = TranscriptSources.Collect(root);
            var relativeTo = Directory.Exists(root) ? root : Path.GetDirectoryName(root)!;
            var runName = "import " + Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar));
            try
            {
                await importer.ImportAsync(
                    TranscriptSources.ReadAsync(files, skipped => { failed++; context.Say("skipped", skipped); }, fingerprint: true, cancellationToken)
                        .Select(read => { filesRead.Add(read.File); return read; }),
                    file => Path.GetRelativePath(relativeTo, file),
                    runName,
                    root,
                    context.WarnAbout,
                    read => context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read {read:N0} conversations ({importer.Imported:N0} new)…")),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && importer.RunId is { } partial)
            {
                // What was stored stays; the same command again adds the rest (it finds what is there by content).
                await context.Error.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{importer.Imported:N0} conversation(s) were imported into run {partial} before the stop; run the same command again to add the rest.")).ConfigureAwait(false);
                throw;
            }

            if (importer.ReadDifferently > 0)
            {
                // Not added again, so that no conversation is counted twice; but the reading stored is the earlier one.
                context.Say("note", string.Create(
                    CultureInfo.InvariantCulture,
                    $"{importer.FilesReadDifferently} file(s) imported before ({importer.ReadDifferently} conversation(s)) are read differently now (by a newer Crosstalk, or with metadata beside them that was not there then); what was stored is kept (to store the new reading, delete the earlier import's run and import again)"));
            }

            if (importer.Imported == 0 && importer.AlreadyStored > 0)
            {
                // Importing the same files again adds nothing, and says so.
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "Nothing new: all {0} conversation(s) in {1} are already in {2}.", importer.AlreadyStored, TerminalText.Escape(root), TerminalText.Escape(store.Description));
                return ExitCodes.Success;
            }

            if (importer.RunId is null)
            {
                throw new UserException(files.Count == 0 ? $"{root} holds no transcript files ({string.Join(", ", TranscriptSources.Extensions.Order(StringComparer.Ordinal))})." : $"None of the {files.Count} file(s) in {root} could be imported.");
            }

            var notes = new List<string>();
            if (importer.AlreadyStored > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{importer.AlreadyStored} already in the store"));
            }

            if (failed > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{failed} skipped"));
            }

            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "[green]Imported[/] {0} conversation(s) from {1} file(s) into run [bold]{2}[/]{3}",
                importer.Imported,
                filesRead.Count,
                TerminalText.Escape(importer.RunId),
                notes.Count > 0 ? " (" + string.Join(", ", notes) + ")" : "");
            return ExitCodes.Success;
        });
        return command;
    }
}
