using System.CommandLine;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Cli.Rendering;
using Crosstalk.Web;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Studies;
using Crosstalk.Storage;
using Crosstalk.Studies;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk analyze FILE|DIR|RUN</c>: what happened, deterministically, without any network.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("target") { Description = TranscriptTargets.Description };
        var json = new Option<bool>("--json") { Description = "Print the analysis as JSON (one transcript: its analysis; several: the corpus analysis)." };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML report with charts to this file (corpus)." };
        var csv = new Option<string?>("--csv") { Description = "Also write the corpus tables as CSV files into this folder." };
        var endToken = new Option<string>("--end-token") { Description = "The end token to look for.", DefaultValueFactory = _ => "[END]" };
        var db = StoreOptions.CreateDbOption();
        var command = new Command(
            "analyze",
            """
            Analyses conversations without any network: end signals (first end token, first mutual end, messages
            after it), goodbye loops, refusals, near-duplicate messages, lexical dynamics with a sparkline of
            message lengths, garbled words, and per-seat statistics. Over several conversations (a folder, a run,
            the store) it adds the corpus tables: stop reasons, lengths, where conversations end, per model and
            per pair, keyword and emoji signatures.

            Examples:
              crosstalk analyze 001_56cfc8f72ca96c78.txt
              crosstalk analyze 001_56cfc8f72ca96c78.txt --json
              crosstalk analyze BackroomsLogs/ --html report.html --csv tables/
              crosstalk analyze r-20261123-101500-ab12
            """)
        {
            target, json, html, csv, endToken, db,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var token = parseResult.GetValue(endToken);
            if (string.IsNullOrWhiteSpace(token))
            {
                throw new UsageException("--end-token cannot be empty.");
            }

            var options = new AnalysisOptions { EndToken = token };
            var what = parseResult.GetValue(target)!;
            var path = context.ResolvePath(what);
            CorpusAnalysis analysis;
            IReadOnlyList<StudyTable> breakdowns = [];
            var count = 0;
            TranscriptAnalysis? single = null;
            Transcript? singleTranscript = null;
            if (!File.Exists(path) && !Directory.Exists(path) && token == EndTokenDetector.DefaultToken)
            {
                // A run or the whole store: the corpus tables are sums over the analysis kept with each conversation.
                (analysis, single, singleTranscript, breakdowns) = await AnalyzeStoreAsync(context, what, parseResult.GetValue(db), options, cancellationToken).ConfigureAwait(false);
                count = analysis.Conversations;
            }
            else
            {
                var corpus = new CorpusAnalyzer(options);
                var progress = context.EveryThousand("analysed");
                var analysed = TranscriptTargets.ReadAsync(context, what, parseResult.GetValue(db), cancellationToken)
                    .SelectAsync((transcript, token) => (Transcript: transcript, Result: corpus.Prepare(transcript, token)), cancellationToken: cancellationToken);
                await foreach (var (transcript, (one, facts)) in analysed.ConfigureAwait(false))
                {
                    corpus.Add(facts);
                    single = one;
                    singleTranscript = transcript;
                    progress(corpus.Count);
                }

                count = corpus.Count;
                analysis = corpus.Build();
            }

            if (count == 0)
            {
                throw new UserException($"{what} holds no transcript to analyse.");
            }

            if (parseResult.GetValue(html) is { } htmlPath)
            {
                var file = OutputPaths.File(context, htmlPath, "--html");
                using (var writer = new StringWriter())
                {
                    AnalysisReport.Write(analysis, writer, Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar)), row => TranscriptLink(row, path, file), breakdowns);
                    Crosstalk.Transcripts.Formats.AtomicFile.WriteAllText(file, writer.ToString());
                }

                await WroteAsync(file).ConfigureAwait(false);
            }

            if (parseResult.GetValue(csv) is { } csvPath)
            {
                var folder = OutputPaths.Folder(context, csvPath, "--csv");
                var written = CorpusCsv.Write(analysis, folder);
                await WroteAsync($"{written.Count} CSV files to {folder}").ConfigureAwait(false);
            }

            // With --json, standard output is the JSON alone: what was written is said on standard error.
            async Task WroteAsync(string what)
            {
                if (parseResult.GetValue(json))
                {
                    await context.Error.WriteLineAsync("Wrote " + what).ConfigureAwait(false);
                }
                else
                {
                    context.Console.MarkupLine($"[green]Wrote[/] {TerminalText.Escape(what)}");
                }
            }

            if (parseResult.GetValue(json))
            {
                var text = count == 1
                    ? JsonSerializer.Serialize(single!, AnalysisJsonContext.Default.TranscriptAnalysis)
                    : JsonSerializer.Serialize(analysis, AnalysisJsonContext.Default.CorpusAnalysis);
                await context.Output.WriteLineAsync(text).ConfigureAwait(false);
                await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (count == 1)
            {
                context.Console.Write(new Rule($"[bold]{TerminalText.Escape(singleTranscript!.Title)}[/]") { Justification = Justify.Left });
                context.Console.Write(new Text(TerminalText.Clean(TranscriptReportText.Render(single!, Math.Max(60, context.Console.Profile.Width)))));
                context.Console.WriteLine();
            }
            else
            {
                foreach (var renderable in CorpusView.Render(analysis))
                {
                    context.Console.Write(renderable);
                }

                foreach (var renderable in StudyView.Tables(breakdowns))
                {
                    context.Console.Write(renderable);
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // A row links to its transcript file (named relative to the folder analysed), relative to the report so that the two
    // can move together; a conversation read from the store has no file of its own.
    private static string? TranscriptLink(ConversationRow row, string analysed, string report)
    {
        if (row.Source is not { } source)
        {
            return null;
        }

        var folder = Directory.Exists(analysed) ? analysed : Path.GetDirectoryName(analysed)!;
        var file = Path.GetFullPath(source, folder);
        if (!File.Exists(file))
        {
            return null;
        }

        var relative = Path.GetRelativePath(Path.GetDirectoryName(report)!, file);
        return string.Join('/', relative.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    // A run (or "store"): conversations without a current kept analysis are analysed first, with a line of progress when
    // there are many, then the tables are summed in SQL.
    /// <summary>Most conversations a run may have for analyze to break it down by factor (it reads each of them).</summary>
    private const int MaxBreakdownConversations = 20_000;

    private static async Task<(CorpusAnalysis Analysis, TranscriptAnalysis? Single, Transcript? SingleTranscript, IReadOnlyList<StudyTable> Breakdowns)> AnalyzeStoreAsync(
        CliContext context, string target, string? db, AnalysisOptions options, CancellationToken cancellationToken)
    {
        var database = CliEngine.Database(context, db);
        if (!CliEngine.LooksLikePostgres(database) && !File.Exists(database))
        {
            throw new UserException($"{target} is neither a file, a folder, nor a run (there is no store at {database}).");
        }

        await using var store = await StoreOptions.OpenExistingAsync(context, db, cancellationToken).ConfigureAwait(false);
        var query = ConversationQuery.All;
        if (!string.Equals(target, "store", StringComparison.OrdinalIgnoreCase))
        {
            if (await store.GetRunAsync(target, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UserException($"{target} is neither a file, a folder, nor a run in {store.Description} (see 'crosstalk list').");
            }

            query = new ConversationQuery { RunId = target };
        }

        var analyses = new StoredAnalyses(store, context.TimeProvider);
        var done = await analyses.CatchUpAsync(
            query,
            progress: context.EveryThousand("analysed"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (done >= 1000)
        {
            await context.Error.WriteLineAsync($"analysed {done:N0} conversations; their analyses are kept in the store.").ConfigureAwait(false);
        }

        var stored = await analyses.AggregateAsync(query, options, includeRows: true, cancellationToken).ConfigureAwait(false);

        // A run's results by each factor of its experiment (opener, system prompt, order, repetition).
        IReadOnlyList<StudyTable> breakdowns = [];
        if (query.RunId is { } runId && stored.Analysis.Conversations > 1)
        {
            if (stored.Matching <= MaxBreakdownConversations)
            {
                breakdowns = FactorBreakdowns.Tables(await StudyData.LoadRunAsync(store, runId, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                await context.Error.WriteLineAsync($"The run has more than {MaxBreakdownConversations:N0} conversations: no breakdown by factor.").ConfigureAwait(false);
            }
        }

        if (stored.Analysis.Conversations != 1)
        {
            return (stored.Analysis, null, null, breakdowns);
        }

        await foreach (var summary in store.ListConversationsAsync(query with { Limit = 1 }, cancellationToken).ConfigureAwait(false))
        {
            var transcript = await store.GetTranscriptAsync(summary.Id, cancellationToken).ConfigureAwait(false);
            return (stored.Analysis, await analyses.GetAsync(summary.Id, cancellationToken).ConfigureAwait(false), transcript, breakdowns);
        }

        return (stored.Analysis, null, null, breakdowns);
    }
}
