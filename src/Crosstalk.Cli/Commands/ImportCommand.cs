using System.CommandLine;
using System.Globalization;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk import</c>: brings transcript files into the store, as one run.</summary>
internal static class ImportCommand
{
    private static readonly HashSet<string> Extensions = new([".md", ".json", ".jsonl"], StringComparer.OrdinalIgnoreCase);

    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("path") { Description = "A transcript file, or a folder: every transcript file in it and below is imported." };
        var db = StoreOptions.CreateDbOption();

        var command = new Command(
            "import",
            """
            Imports transcripts into the store as one run: seed Markdown files (with the original system's JSON
            beside them: the pair is imported once), Crosstalk JSON and JSONL. Files that are not transcripts are
            reported and skipped.

            Examples:
              crosstalk import seeds/
              crosstalk import conversations/Kimi-K2_vs_4o_20250714_101500_run1.md
              crosstalk import corpus.jsonl --db corpus.db
            """)
        {
            path, db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var root = context.ResolvePath(parseResult.GetValue(path)!);
            var files = Collect(root);
            await using var store = await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var runId = await store.CreateRunAsync(
                new RunRecord
                {
                    ExperimentName = "import " + Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)),
                    Started = context.TimeProvider.GetLocalNow(),
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = root },
                },
                cancellationToken).ConfigureAwait(false);

            var imported = 0;
            var failed = 0;
            foreach (var file in files)
            {
                IEnumerable<Transcript> transcripts;
                try
                {
                    transcripts = TranscriptFile.ReadAll(file);
                    foreach (var transcript in transcripts)
                    {
                        transcript.Metadata["importedFrom"] = Path.GetRelativePath(Directory.Exists(root) ? root : Path.GetDirectoryName(root)!, file);
                        await store.CreateConversationAsync(runId, transcript, null, cancellationToken).ConfigureAwait(false);
                        imported++;
                    }
                }
                catch (TranscriptFormatException ex)
                {
                    failed++;
                    await context.Error.WriteLineAsync($"skipped: {ex.Message}").ConfigureAwait(false);
                }
            }

            if (imported == 0)
            {
                throw new UserException(files.Count == 0 ? $"{root} holds no transcript files (.md, .json, .jsonl)." : $"None of the {files.Count} file(s) in {root} could be imported.");
            }

            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Imported[/] {0} conversation(s) from {1} file(s) into run [bold]{2}[/]{3}", imported, files.Count - failed, Markup.Escape(runId), failed > 0 ? $" ({failed} skipped)" : "");
            return failed > 0 ? ExitCodes.UserError : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The files to import, in a stable order. A <c>.json</c> beside a same-named <c>.md</c> is the same conversation:
    /// Crosstalk's JSON is kept (it holds usage, timing and the stop), the original system's JSON is left for its Markdown.
    /// </summary>
    internal static List<string> Collect(string root)
    {
        if (File.Exists(root))
        {
            return [root];
        }

        if (!Directory.Exists(root))
        {
            throw new UserException($"{root} does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var set = new HashSet<string>(files, StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file);
            var markdown = Path.ChangeExtension(file, ".md");
            var json = Path.ChangeExtension(file, ".json");
            if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase) && set.Contains(markdown) && !IsCrosstalkJson(file))
            {
                continue;
            }

            if (extension.Equals(".md", StringComparison.OrdinalIgnoreCase) && set.Contains(json) && IsCrosstalkJson(json))
            {
                continue;
            }

            result.Add(file);
        }

        return result;
    }

    private static bool IsCrosstalkJson(string path)
    {
        try
        {
            return TranscriptFile.Detect(path, File.ReadAllText(path)) == TranscriptFormat.Json;
        }
        catch (Exception ex) when (ex is IOException or TranscriptFormatException)
        {
            return false;
        }
    }
}
