using System.CommandLine;
using System.Globalization;
using System.Text;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Plans;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk export</c>: writes a run's conversations as files, for reading or for fine-tuning.</summary>
internal static class ExportCommand
{
    public static readonly IReadOnlyList<string> Formats = ["markdown", "json", "jsonl", "sharegpt", "openai-chat"];

    public static Command Create(CliContext context)
    {
        var run = new Argument<string>("run") { Description = "The run to export ('crosstalk list' shows them)." };
        var to = new Option<string>("--to") { Description = "markdown (seed format, one file per conversation), json (one file per conversation), jsonl (one file), sharegpt or openai-chat (one JSONL line per conversation and seat, from that seat's view).", Required = true };
        to.AcceptOnlyFromAmong([.. Formats]);
        var output = new Option<string>("--output", "-o") { Description = "The folder to write into.", Required = true };
        var db = StoreOptions.CreateDbOption();

        var command = new Command(
            "export",
            """
            Writes a run's conversations to a folder: Markdown in the exact seed format or Crosstalk JSON, one file
            per conversation named {number}_{A}_vs_{B}; all of them as one JSONL file; or chat fine-tuning data
            (ShareGPT, OpenAI chat) with one example per conversation and seat, as that seat saw it.

            Examples:
              crosstalk export r-20261123-041500-ab12 --to markdown -o out/
              crosstalk export r-20261123-041500-ab12 --to openai-chat -o data/
            """)
        {
            run, to, output, db,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = await StoreOptions.OpenExistingAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var runId = parseResult.GetValue(run)!;
            if (await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UserException($"There is no run '{runId}' in {store.Description}; 'crosstalk list' shows the runs.");
            }

            var directory = OutputPaths.Folder(context, parseResult.GetValue(output)!, "--output");
            var (conversations, examples) = await ExportAsync(store, runId, parseResult.GetValue(to)!, directory, cancellationToken).ConfigureAwait(false);
            if (examples is { } written)
            {
                // One example per seat that said something: fewer than twice the conversations is worth seeing.
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Exported[/] {0} example(s) from {1} conversation(s) to {2}", written, conversations, TerminalText.Escape(directory));
            }
            else
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "[green]Exported[/] {0} conversation(s) to {1}", conversations, TerminalText.Escape(directory));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    // The conversations exported, and for the per-seat formats the examples written.
    internal static async Task<(int Conversations, int? Examples)> ExportAsync(ITranscriptStore store, string runId, string format, string directory, CancellationToken cancellationToken)
    {
        int? examples = format is "sharegpt" or "openai-chat" ? 0 : null;
        Directory.CreateDirectory(directory);
        var ids = new List<long>();
        await foreach (var summary in store.ListConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(summary.Id);
        }

        StreamWriter? lines = format switch
        {
            "jsonl" => Open(Path.Combine(directory, FileNames.Safe(runId) + ".jsonl")),
            "sharegpt" => Open(Path.Combine(directory, FileNames.Safe(runId) + ".sharegpt.jsonl")),
            "openai-chat" => Open(Path.Combine(directory, FileNames.Safe(runId) + ".openai-chat.jsonl")),
            _ => null,
        };
        try
        {
            foreach (var id in ids)
            {
                var transcript = await store.GetTranscriptAsync(id, cancellationToken).ConfigureAwait(false);
                if (transcript is null)
                {
                    continue;
                }

                switch (format)
                {
                    case "markdown":
                        SeedMarkdown.WriteFile(transcript, Path.Combine(directory, FileStem(id, transcript) + ".md"));
                        break;
                    case "json":
                        TranscriptJson.WriteFile(transcript, Path.Combine(directory, FileStem(id, transcript) + ".json"));
                        break;
                    case "jsonl":
                        TranscriptJson.WriteLine(lines!, transcript);
                        break;
                    default:
                        // The same view the runner built each request from, blank-message replacements included.
                        var seats = await store.GetConversationSpecAsync(id, cancellationToken).ConfigureAwait(false) is { } spec
                            ? PlanJson.ReadConversation(spec, $"Conversation {id}").Seats
                            : null;
                        foreach (var (_, turns) in ChatExport.Examples(transcript, seat => seats?.ElementAtOrDefault(seat - 1)?.BlankMessage))
                        {
                            await lines!.WriteLineAsync(format == "sharegpt" ? ChatExport.ShareGptLine(turns) : ChatExport.OpenAIChatLine(turns)).ConfigureAwait(false);
                            examples++;
                        }

                        break;
                }
            }
        }
        finally
        {
            if (lines is not null)
            {
                await lines.DisposeAsync().ConfigureAwait(false);
            }
        }

        return (ids.Count, examples);
    }

    /// <summary>
    /// <c>{number}_{A}_vs_{B}</c>: the experiment's number when there is one, so two runs of the same experiment export to
    /// the same names; the conversation id otherwise.
    /// </summary>
    internal static string FileStem(long id, Transcript transcript)
    {
        var number = transcript.Metadata.TryGetValue(PlanMetadataKeys.Number, out var n) && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : id;
        var names = string.Join("_vs_", transcript.Participants.Select(p => FileNames.Safe(p.Name)));
        return string.Create(CultureInfo.InvariantCulture, $"{number:D4}_{names}");
    }

    private static StreamWriter Open(string path) => new(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
}
