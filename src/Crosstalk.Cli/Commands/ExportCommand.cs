using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Exports;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk export</c>: writes stored conversations as files: for reading, for training, or as a published dataset.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var targets = new Argument<string[]>("what")
        {
            Description = "Runs ('crosstalk list' shows them), conversation ids (also those of 'crosstalk run'), or 'store' for everything.",
            Arity = ArgumentArity.OneOrMore,
        }.NotAnOption();
        var to = new Option<string>("--to")
        {
            Description = "markdown or json (a file per conversation), jsonl (one file), sharegpt or openai-chat (a JSONL line per conversation and seat, "
                + "from that seat's view), parquet (a row per conversation, with its provenance), hf (a Hugging Face dataset folder: data/*.parquet and a README.md dataset card).",
            Required = true,
        };
        to.AcceptOnlyFromAmong([.. ExportFormats.All]);
        var output = new Option<string>("--output", "-o") { Description = "The folder to write into.", Required = true };
        var name = new Option<string?>("--name") { Description = "The dataset's name (file names and the card's title); default: the run, or 'crosstalk'." };
        var reason = new Option<string?>("--stop-reason") { Description = $"Only conversations that stopped for this reason: {string.Join(", ", StopReasons.All)}." };
        reason.AcceptOnlyFromAmong([.. StopReasons.All]); // as `list` takes it: a misspelt reason exported nothing, with success
        var model = new Option<string?>("--model") { Description = "Only conversations where a participant's name or model contains this text." };
        var minMessages = new Option<int?>("--min-messages") { Description = "Only conversations with at least this many messages." }.AtLeast(0);
        var maxMessages = new Option<int?>("--max-messages") { Description = "Only conversations with at most this many messages." }.AtLeast(0);
        var noLoop = new Option<bool>("--no-goodbye-loop") { Description = "Leave out conversations in which the analysis found a goodbye loop." };
        var judge = new Option<string[]>("--judge")
        {
            Description = "Only conversations a judge labelled so: RUBRIC.FIELD=VALUE (for example topic-label.topic=philosophy); repeat to require several.",
            AllowMultipleArgumentsPerToken = false,
        };
        var dedupe = new Option<string?>("--dedupe") { Description = $"Leave out repeated conversations: exact (the same messages word for word) or near (also those that differ in a few words: shingle similarity of {ConversationExporter.NearDuplicateThreshold:0.0#} or more)." };
        dedupe.AcceptOnlyFromAmong("exact", "near");
        var split = new Option<string?>("--split") { Description = "parquet and hf: parts by share, e.g. train=0.9,test=0.1; a conversation's part depends only on where it came from and --split-seed." };
        var splitSeed = new Option<int>("--split-seed") { Description = "The seed of --split (default 0).", DefaultValueFactory = _ => 0 };
        var db = StoreOptions.CreateDbOption();

        var command = new Command(
            "export",
            """
            Writes stored conversations to a folder: Markdown in the exact seed format or Crosstalk JSON, one file per
            conversation named {number}_{A}_vs_{B}; all of them as one JSONL file; chat fine-tuning data (ShareGPT,
            OpenAI chat) with one example per conversation and seat, as that seat saw it; or a dataset: Parquet, or a
            Hugging Face dataset folder with its card. Every format that carries whole conversations carries where each
            came from (run, conversation, source file, plan), so 'crosstalk import' of an export and a second export
            give the same bytes.

            Examples:
              crosstalk export r-20261123-041500-ab12 --to markdown -o out/
              crosstalk export r-20261123-041500-ab12 --to openai-chat -o data/
              crosstalk export store --to hf -o my-dataset/ --no-goodbye-loop \
                --dedupe near --split train=0.9,test=0.1
              crosstalk export 42 57 --to json -o picked/
            """)
        {
            targets, to, output, name, reason, model, minMessages, maxMessages, noLoop, judge, dedupe, split, splitSeed, db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = parseResult.GetValue(to)!;
            var splits = DatasetSplits.Single;
            if (parseResult.GetValue(split) is { } parts)
            {
                if (!ExportFormats.Splits(format))
                {
                    throw new UsageException($"--split applies to --to parquet and --to hf, not {format}.");
                }

                try
                {
                    splits = DatasetSplits.Parse(parts, parseResult.GetValue(splitSeed));
                }
                catch (FormatException ex)
                {
                    throw new UsageException($"--split: {ex.Message}.");
                }
            }

            var judges = new List<JudgeFilter>();
            foreach (var text in parseResult.GetValue(judge) ?? [])
            {
                try
                {
                    judges.Add(JudgeFilter.Parse(text));
                }
                catch (FormatException ex)
                {
                    throw new UsageException($"--judge: {ex.Message}.");
                }
            }

            await using var store = await StoreOptions.OpenExistingAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var runs = new List<string>();
            var ids = new List<long>();
            foreach (var target in parseResult.GetValue(targets)!)
            {
                if (string.Equals(target, "store", StringComparison.OrdinalIgnoreCase))
                {
                    runs.Clear();
                    ids.Clear();
                    break;
                }

                if (long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    if (await store.GetTranscriptAsync(id, cancellationToken).ConfigureAwait(false) is null)
                    {
                        throw new UserException($"There is no conversation {id} in {store.Description}; 'crosstalk list' shows them.");
                    }

                    ids.Add(id);
                }
                else if (await store.GetRunAsync(target, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new UserException($"There is no run '{target}' in {store.Description}; 'crosstalk list' shows the runs.");
                }
                else
                {
                    runs.Add(target);
                }
            }

            var filter = new ExportFilter
            {
                StopReason = parseResult.GetValue(reason),
                Model = parseResult.GetValue(model),
                MinMessages = parseResult.GetValue(minMessages),
                MaxMessages = parseResult.GetValue(maxMessages),
                NoGoodbyeLoop = parseResult.GetValue(noLoop),
                Judges = judges,
                Duplicates = parseResult.GetValue(dedupe) switch { "exact" => DuplicateRemoval.Exact, "near" => DuplicateRemoval.Near, _ => DuplicateRemoval.None },
            };
            var directory = OutputPaths.Folder(context, parseResult.GetValue(output)!, "--output");
            var datasetName = parseResult.GetValue(name) ?? (runs.Count == 1 && ids.Count == 0 ? runs[0] : "crosstalk");
            var exporter = new ConversationExporter(store, new StoredAnalyses(store, context.TimeProvider));
            var result = await ExportWriter.WriteAsync(
                exporter.ReadAsync(runs, ids, filter, cancellationToken),
                format,
                directory,
                datasetName,
                splits,
                Describe(filter),
                context.EveryThousand("exported"),
                cancellationToken).ConfigureAwait(false);

            foreach (var refusal in result.Refused)
            {
                context.Say("skipped", refusal);
            }

            var notes = new List<string>();
            if (result.Refused.Count > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{result.Refused.Count} the format cannot hold, skipped"));
            }

            if (exporter.FilteredOut > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{exporter.FilteredOut} left out by the filters"));
            }

            if (exporter.Duplicates > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{exporter.Duplicates} repeat(s) left out"));
            }

            var tail = notes.Count > 0 ? " (" + string.Join(", ", notes) + ")" : "";
            if (result.Examples is { } written)
            {
                // One example per seat that said something: fewer than twice the conversations is worth seeing.
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Exported[/] {0} example(s) from {1} conversation(s) to {2}{3}", written, result.Conversations, TerminalText.Escape(directory), TerminalText.Escape(tail));
            }
            else
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Exported[/] {0} conversation(s) to {1}{2}", result.Conversations, TerminalText.Escape(directory), TerminalText.Escape(tail));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // The filters in words, for the dataset card.
    private static List<string> Describe(ExportFilter filter)
    {
        var words = new List<string>();
        if (filter.StopReason is { } r)
        {
            words.Add($"stop reason `{r}`");
        }

        if (filter.Model is { } m)
        {
            words.Add($"a participant matching `{m}`");
        }

        if (filter.MinMessages is { } min)
        {
            words.Add(string.Create(CultureInfo.InvariantCulture, $"at least {min} messages"));
        }

        if (filter.MaxMessages is { } max)
        {
            words.Add(string.Create(CultureInfo.InvariantCulture, $"at most {max} messages"));
        }

        if (filter.NoGoodbyeLoop)
        {
            words.Add("no goodbye loop");
        }

        words.AddRange(filter.Judges.Select(j => $"judge `{j.Rubric}` answered `{j.Field}` = `{j.Value}`"));
        if (filter.Duplicates != DuplicateRemoval.None)
        {
            words.Add(filter.Duplicates == DuplicateRemoval.Exact ? "exact repeats removed" : string.Create(CultureInfo.InvariantCulture, $"repeats and near repeats (similarity ≥ {ConversationExporter.NearDuplicateThreshold:0.0#}) removed"));
        }

        return words;
    }
}
