using System.CommandLine;
using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Cli.Rendering;
using Crosstalk.Cli.Reports;
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
            var corpus = new CorpusAnalyzer(options);
            TranscriptAnalysis? single = null;
            Transcript? singleTranscript = null;
            await foreach (var transcript in TranscriptTargets.ReadAsync(context, what, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false))
            {
                single = corpus.Add(transcript);
                singleTranscript = transcript;
            }

            if (corpus.Count == 0)
            {
                throw new UserException($"{what} holds no transcript to analyse.");
            }

            var analysis = corpus.Build();
            if (parseResult.GetValue(html) is { } htmlPath)
            {
                var file = OutputPaths.File(context, htmlPath, "--html");
                using (var writer = new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false)))
                {
                    AnalysisReportHtml.Write(analysis, writer, Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar)));
                }

                context.Console.MarkupLine($"[green]Wrote[/] {TerminalText.Escape(file)}");
            }

            if (parseResult.GetValue(csv) is { } csvPath)
            {
                var folder = OutputPaths.Folder(context, csvPath, "--csv");
                var written = CorpusCsv.Write(analysis, folder);
                context.Console.MarkupLine($"[green]Wrote[/] {written.Count} CSV files to {TerminalText.Escape(folder)}");
            }

            if (parseResult.GetValue(json))
            {
                var text = corpus.Count == 1
                    ? JsonSerializer.Serialize(single!, AnalysisJsonContext.Default.TranscriptAnalysis)
                    : JsonSerializer.Serialize(analysis, AnalysisJsonContext.Default.CorpusAnalysis);
                await context.Output.WriteLineAsync(text).ConfigureAwait(false);
                await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (corpus.Count == 1)
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
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
