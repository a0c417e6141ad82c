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
    private static readonly HashSet<string> Extensions = new([".md", ".json", ".jsonl", ".txt"], StringComparer.OrdinalIgnoreCase);

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
            var backroomsMetadata = new Dictionary<string, UniversalBackroomsMetadata>(StringComparer.Ordinal);
            foreach (var file in files.Where(IsBackroomsMetadata).ToList())
            {
                foreach (var (name, entry) in UniversalBackroomsReader.ReadMetadata(file))
                {
                    backroomsMetadata[name] = entry;
                }

                files.Remove(file);
            }

            foreach (var file in files)
            {
                IEnumerable<Transcript> transcripts;
                try
                {
                    if (Path.GetExtension(file).Equals(".txt", StringComparison.OrdinalIgnoreCase))
                    {
                        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
                        transcripts = UniversalBackroomsReader.IsLog(text) && !text.TrimStart('\uFEFF').TrimStart().StartsWith("# ", StringComparison.Ordinal)
                            ? [UniversalBackroomsReader.Read(text, file, backroomsMetadata.GetValueOrDefault(Path.GetFileName(file)))]
                            : TranscriptFile.ReadAll(file);
                    }
                    else
                    {
                        transcripts = TranscriptFile.ReadAll(file);
                    }

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
                throw new UserException(files.Count == 0 ? $"{root} holds no transcript files (.md, .json, .jsonl, .txt)." : $"None of the {files.Count} file(s) in {root} could be imported.");
            }

            context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Imported[/] {0} conversation(s) from {1} file(s) into run [bold]{2}[/]{3}", imported, files.Count - failed, Markup.Escape(runId), failed > 0 ? $" ({failed} skipped)" : "");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The files to import, in a stable order. JSON beside a same-named Markdown or <c>.txt</c> transcript
    /// (<c>x.md</c> + <c>x.json</c>, or the seeds' <c>x.txt</c> + <c>x.original.json</c>) is the same conversation:
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
            if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
            {
                var stem = file[..^".json".Length];
                if (stem.EndsWith(".original", StringComparison.OrdinalIgnoreCase))
                {
                    stem = stem[..^".original".Length];
                }

                if ((set.Contains(stem + ".md") || set.Contains(stem + ".txt")) && !IsCrosstalkJson(file))
                {
                    continue;
                }
            }
            else if (extension is ".md" or ".txt" && set.Contains(Path.ChangeExtension(file, ".json")) && IsCrosstalkJson(Path.ChangeExtension(file, ".json")))
            {
                continue;
            }

            result.Add(file);
        }

        return result;
    }

    /// <summary>A UniversalBackrooms metadata file: JSONL whose first line has <c>log_file</c>.</summary>
    private static bool IsBackroomsMetadata(string path)
    {
        if (!Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var first = File.ReadLines(path).FirstOrDefault(line => !string.IsNullOrWhiteSpace(line));
        return first is not null && first.Contains("\"log_file\"", StringComparison.Ordinal);
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
