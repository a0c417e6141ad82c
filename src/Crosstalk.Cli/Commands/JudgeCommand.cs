using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis.Judge;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Models;
using Crosstalk.Storage;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk judge TARGET --rubric ID --model MODEL</c>: optional LLM-judge scores, cached.</summary>
internal static class JudgeCommand
{
    /// <summary>Where judge answers are cached unless --cache says otherwise: ~/.cache/crosstalk/judge.</summary>
    public static string DefaultCache(CliContext context) =>
        Path.Combine(CliEngine.Home(context), ".cache", "crosstalk", "judge");

    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("target") { Description = TranscriptTargets.Description };
        var rubric = new Option<string>("--rubric", "-r") { Description = $"The rubric: {string.Join(", ", JudgeRubrics.All.Select(r => r.Id))}.", Required = true };
        var model = new Option<string>("--model", "-m") { Description = "The judge: any model Crosstalk can use (a catalog name, provider:model, an OpenRouter id).", Required = true };
        var cache = new Option<string?>("--cache") { Description = "Folder of cached answers, so a re-run costs nothing. Default: ~/.cache/crosstalk/judge." };
        var json = new Option<bool>("--json") { Description = "Print every result as JSON lines." };
        var models = ModelsOption.Create();
        var db = StoreOptions.CreateDbOption();
        var command = new Command(
            "judge",
            """
            Scores conversations with an LLM judge and a rubric, answered as structured JSON. Every answer is
            cached (by rubric, judge model and the exact prompt), so running the same judgement again costs
            nothing. Rubrics: politeness-1-5 and persona-constraint-break and topic-label (per message);
            per conversation, constraint-break-first (which seat breaks its assigned constraint first — the
            question of seed 000), topics-and-endings (its main topic and how it ended) and goodbye-loop
            (where its goodbye loop begins and ends: the span the analysis's word lists place well in only
            about half of real logs, asked as the labelled set's readers were asked). A judge is first given
            the rubric's control conversations, and warned about on standard error if it labels them wrong.

            Examples:
              crosstalk judge 000_9b49a01de80e6c50.txt --rubric constraint-break-first \
                --model gpt-4o
              crosstalk judge r-20261123-101500-ab12 --rubric politeness-1-5 \
                --model claude-haiku-4-5 --json
              crosstalk judge logs/ --rubric goodbye-loop --model gpt-4o --json
            """)
        {
            target, rubric, model, cache, json, models, db,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var chosen = JudgeRubrics.Find(parseResult.GetValue(rubric)!)
                ?? throw new UsageException($"--rubric: unknown rubric '{parseResult.GetValue(rubric)}'; known: {string.Join(", ", JudgeRubrics.All.Select(r => r.Id))}.");
            var modelReference = parseResult.GetValue(model)!;
            using var resolver = new ModelResolver(CliEngine.Models(context, parseResult.GetValue(models)), context.TimeProvider);
            ResolvedModel judge;
            try
            {
                judge = resolver.Resolve(modelReference, seed: 1);
            }
            catch (ModelResolutionException ex)
            {
                throw new UserException($"--model {ex.Message}", ex);
            }

            var cacheDirectory = parseResult.GetValue(cache) is { } c ? context.ResolvePath(c) : DefaultCache(context);
            var answers = new FileJudgeCache(cacheDirectory);
            var scorer = new JudgeScorer(judge.Client, modelReference, answers);
            var asJson = parseResult.GetValue(json);

            // Before its answers count: does the judge label the rubric's control conversations as known? Asked once there is
            // something to judge, so a mistyped target costs no call.
            async Task RunControlsAsync()
            {
                var controls = Crosstalk.Analysis.Judge.JudgeControls.For(chosen.Id);
                if (controls.Count == 0)
                {
                    return;
                }

                var outcome = (await Crosstalk.Studies.StudyJudging.RunControlsAsync(chosen, controls, [new Crosstalk.Studies.PanelJudge(modelReference, judge.Client)], answers, cancellationToken).ConfigureAwait(false))[0];
                var line = outcome.Failed
                    ? $"warning: judge {modelReference} failed the controls of {chosen.Id}: {outcome.Right} of {outcome.Total} right ({string.Join("; ", outcome.Misses)}); read its answers with care."
                    : $"Judge {modelReference}: {outcome.Right} of {outcome.Total} controls of {chosen.Id} right.";
                await context.Error.WriteLineAsync(line).ConfigureAwait(false);
            }

            int scored = 0, cached = 0, failed = 0;
            var controlled = false;
            ITranscriptStore? store = null;
            try
            {
                await foreach (var (transcript, conversationId) in TranscriptTargets.ReadWithIdsAsync(context, parseResult.GetValue(target)!, parseResult.GetValue(db), withIds: true, cancellationToken).ConfigureAwait(false))
                {
                    if (!controlled)
                    {
                        controlled = true;
                        await RunControlsAsync().ConfigureAwait(false);
                    }

                    var results = await scorer.ScoreAsync(transcript, chosen, cancellationToken).ConfigureAwait(false);
                    if (conversationId is { } id)
                    {
                        // Kept with the conversation in the store, where the web viewer and exports find it.
                        store ??= await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
                        JudgeScorer.Attach(transcript, results);
                        var key = JudgeScorer.MetadataKey(chosen.Id, modelReference);
                        await store.SetConversationMetadataAsync(id, key, transcript.Metadata[key], cancellationToken).ConfigureAwait(false);
                    }

                    // Which conversation each answer is of: its id in the store, or the file it was read from (titles repeat).
                    var file = conversationId is null && transcript.Metadata.TryGetValue(Crosstalk.Transcripts.TranscriptMetadataKeys.Source, out var read) ? read : null;
                    if (!asJson)
                    {
                        var of = conversationId is { } stored ? "conversation " + stored.ToString(CultureInfo.InvariantCulture) : file;
                        var from = of is null ? "" : $" [grey]{TerminalText.Escape(of)}[/]";
                        context.Console.Write(new Rule($"[bold]{TerminalText.Escape(transcript.Title)}[/]{from}") { Justification = Justify.Left });
                    }

                    foreach (var result in results)
                    {
                        scored++;
                        cached += result.Cached ? 1 : 0;
                        failed += result.Error is null ? 0 : 1;
                        if (asJson)
                        {
                            var line = JsonSerializer.SerializeToNode(result, JudgeJsonContext.Default.JudgeResult)!.AsObject();
                            if (conversationId is { } judged)
                            {
                                line.Insert(0, "conversation", judged);
                            }
                            else if (file is not null)
                            {
                                line.Insert(0, "source", file);
                            }

                            await context.Output.WriteLineAsync(line.ToJsonString()).ConfigureAwait(false);
                            continue;
                        }

                        var where = result.Message is { } m ? string.Create(CultureInfo.InvariantCulture, $"#{m}") : "conversation";
                        var answer = result.Error is { } error ? $"[red]{TerminalText.Escape(error)}[/]" : TerminalText.Escape(result.Answer?.GetRawText() ?? "");
                        context.Console.MarkupLine($"  [grey]{where}[/] {answer}{(result.Cached ? " [grey](cached)[/]" : "")}");
                    }
                }
            }
            finally
            {
                if (store is not null)
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                }
            }

            await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!asJson)
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0} judgements, {1} from the cache ({2}), {3} failed.[/]", scored, cached, TerminalText.Escape(cacheDirectory), failed);
            }

            return failed > 0 && failed == scored ? ExitCodes.UserError : ExitCodes.Success;
        });
        return command;
    }
}
