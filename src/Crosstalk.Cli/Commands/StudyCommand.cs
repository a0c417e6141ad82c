using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Crosstalk.Analysis.Judge;
using Crosstalk.Cli.Batch;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Engine.Studies;
using Crosstalk.Experiments;
using Crosstalk.Studies;
using Crosstalk.Transcripts.Formats;
using Crosstalk.Web;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk study list|show|run|report</c>: published designs re-run with one command, reported as their tables with intervals.</summary>
internal static class StudyCommand
{
    public static Command Create(CliContext context) => new(
        "study",
        """
        Runs a study — an experiment, what to measure in it, and how to lay out the table — and reports it as the
        published table, with a 95% interval on every share and mean, the order effect per pair, agreement across
        repetitions and breakdowns by every factor. Built in: attractors (the seeds' design: who ends first, when,
        and what follows), self-interaction (the Claude Opus 4 system card's words per transcript), topics-and-endings
        (a judge panel labels each conversation's topic and ending). They run with the offline agents by default;
        give your models with --models. docs/studies.md lists each published figure with the command for it.

        Examples:
          crosstalk study list
          crosstalk study run attractors
          crosstalk study run self-interaction --models claude-opus-4-1,gpt-4o -n 100
          crosstalk study run topics-and-endings --judge gpt-4o --judge claude-sonnet-4-5
          crosstalk study report r-20261206-101500-ab12 --hand-labels my-labels.csv
        """)
    {
        CreateList(context),
        CreateShow(context),
        CreateRun(context),
        CreateReport(context),
    };

    private static Command CreateList(CliContext context)
    {
        var command = new Command("list", "The built-in studies: each one's name, what it measures and how it measures it; 'crosstalk study show NAME' prints one as a file to copy and change.\n\nExamples:\n  crosstalk study list");
        command.SetAction(_ =>
        {
            var table = new Table { Border = TableBorder.Rounded }.AddColumn("Study").AddColumn("What it measures").AddColumn("Measure");
            foreach (var name in StudyFile.Presets)
            {
                var study = StudyFile.Preset(name)!;
                table.AddRow(new Text(name), new Text(study.Title), new Text(study.Measure.ToString().ToLowerInvariant()));
            }

            context.Console.Write(table);
            context.Console.MarkupLine("[grey]crosstalk study show NAME prints one, crosstalk study run NAME runs it; a study file of your own works wherever a name does.[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow(CliContext context)
    {
        var study = new Argument<string>("study") { Description = "A built-in study's name, or a study file." };
        var command = new Command("show", "Prints a study as a file you can copy and change: its design, what it measures, and what was chosen where the publication is silent.\n\nExamples:\n  crosstalk study show attractors > my-study.yaml") { study };
        command.SetAction(parseResult =>
        {
            var name = parseResult.GetValue(study)!;
            var text = StudyFile.Presets.Contains(name, StringComparer.Ordinal)
                ? StudyFile.PresetText(name)
                : File.Exists(context.ResolvePath(name)) ? ExperimentFile.ReadText(context.ResolvePath(name), "give a study file (.yaml)") : throw Unknown(name);
            context.Output.Write(text);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRun(CliContext context)
    {
        var study = new Argument<string>("study") { Description = "A built-in study's name (crosstalk study list), or a study file." };
        var models = new Option<string?>("--models") { Description = "The models, comma-separated, in place of the study's (catalog names, provider:model, OpenRouter ids, offline agents)." };
        var repetitions = new Option<int?>("--repetitions", "-n") { Description = "Repetitions of each cell of the design, in place of the study's." }.AtLeast(1);
        var judges = new Option<string[]>("--judge") { Description = "A judge model for a judged study, in place of the study's panel; repeat for a panel (two or more give the panel's agreement).", AllowMultipleArgumentsPerToken = false };
        var options = new ReportOptions(context);
        var db = StoreOptions.CreateDbOption();
        var catalog = ModelsOption.Create("--catalog");
        var concurrency = new Option<int?>("--concurrency", "-j") { Description = "Conversations at once, in place of the study's." }.AtLeast(1);
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress while the conversations run; only the report." };
        var command = new Command(
            "run",
            """
            Runs a study into the store (a run, like 'crosstalk batch': Ctrl+C stops it and 'crosstalk resume RUN' goes
            on), then prints its report and writes it as JSON and HTML. A judged study first gives its judges the
            rubric's control conversations, whose labels are known, and says so when a judge gets them wrong.

            Examples:
              crosstalk study run attractors
              crosstalk study run attractors --models kimi-k2-openrouter,grok-4 --repetitions 10
              crosstalk study run my-study.yaml --db studies.db -o reports/
            """)
        {
            study, models, repetitions, judges, options.Output, options.Json, options.HandLabels, options.Cache, db, catalog, concurrency, quiet,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // With --json, standard output is the report alone: what the run shows goes to standard error.
            var human = parseResult.GetValue(options.Json) ? context.WithConsoleOnError() : context;
            var definition = Resolve(context, parseResult.GetValue(study)!);
            var experiment = definition.Experiment;
            if (parseResult.GetValue(models) is { } list)
            {
                var references = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (references.Length == 0)
                {
                    throw new UsageException("--models: give at least one model, e.g. --models gpt-4o,claude-sonnet-4-5.");
                }

                if (experiment.Pairs == PairMode.Explicit)
                {
                    // Its pairs name the file's models by position: another list would pair other models, or none.
                    throw new UsageException($"--models: study {definition.Name} lists its pairs, which name its own models; change the models in the file (crosstalk study show).");
                }

                // The models replace the study's, with their settings (names, prompts, temperatures): the file keeps those.
                experiment = experiment with { Models = [.. references.Select(r => new ExperimentModel(r))] };
            }

            if (parseResult.GetValue(repetitions) is { } n)
            {
                experiment = experiment with { Repetitions = n };
            }

            definition = definition with { Experiment = experiment, Judges = Judges(parseResult.GetValue(judges), definition.Judges) };
            foreach (var warning in experiment.Warnings)
            {
                context.Say("warning", warning);
            }

            var count = experiment.Expand().Count;
            if (count == 0)
            {
                throw new UserException($"Study {definition.Name} plans no conversation with these models: a pair needs two models, or 'pairs: self'.");
            }

            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), CliEngine.Models(context, parseResult.GetValue(catalog)), cancellationToken).ConfigureAwait(false);
            var judging = definition.Measure == StudyMeasure.Judge ? Judging.Prepare(context, definition, engine, parseResult.GetValue(options.Cache)) : null;
            if (judging is not null)
            {
                // Before anything is spent on the study: do the judges label the controls as known?
                var controls = await StudyJudging.RunControlsAsync(judging.Rubric, judging.Controls, judging.Judges, judging.Cache, cancellationToken).ConfigureAwait(false);
                judging = judging with { Outcomes = controls };
                foreach (var outcome in controls)
                {
                    human.Console.MarkupLine(outcome.Failed
                        ? $"[yellow]warning:[/] judge {TerminalText.Escape(outcome.Judge)} failed the controls ({outcome.Right} of {outcome.Total} right); the study runs, and its report says so."
                        : $"[grey]Judge {TerminalText.Escape(outcome.Judge)}: {outcome.Right} of {outcome.Total} controls right.[/]");
                }
            }

            string runId;
            try
            {
                var (run, conversations) = ConversationPlanner.PlanRun(experiment, engine.Models, context.TimeProvider.GetLocalNow(), outputDirectory: null);
                runId = await engine.CreateRunAsync(run, conversations, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ModelResolutionException or PlanException)
            {
                throw new UserException($"Study {definition.Name}: {ex.Message}", ex);
            }

            human.Console.MarkupLine(CultureInfo.InvariantCulture, "Study [bold]{0}[/] · run [bold]{1}[/]: {2} conversations · {3}", TerminalText.Escape(definition.Name), TerminalText.Escape(runId), count, TerminalText.Escape(engine.Store.Description));
            var exit = await BatchSession.RunAsync(
                human,
                engine,
                runId,
                new BatchSessionOptions { Concurrency = parseResult.GetValue(concurrency), Quiet = parseResult.GetValue(quiet), Summary = false },
                cancellationToken).ConfigureAwait(false);
            if (exit == ExitCodes.Interrupted)
            {
                return exit;
            }

            await ReportAsync(context, engine, definition, runId, judging, options, parseResult, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(judges) is { Length: > 0 } panel)
            {
                // The run keeps the study, not the panel given here: a later report names it again.
                human.Console.MarkupLine($"[grey]To report it again with this panel: crosstalk study report {TerminalText.Escape(runId)} {TerminalText.Escape(string.Join(" ", panel.Select(j => "--judge " + j)))}[/]");
            }

            return exit;
        });
        return command;
    }

    private static Command CreateReport(CliContext context)
    {
        var run = new Argument<string>("run") { Description = "A run a study made ('crosstalk list' shows runs)." }.NotAnOption();
        var studyOption = new Option<string?>("--study") { Description = "The study to report the run as (a name or a study file); default: the study that made the run." };
        var judges = new Option<string[]>("--judge") { Description = "Judge models in place of the study's panel (answers already given are read from the cache)." };
        var options = new ReportOptions(context);
        var db = StoreOptions.CreateDbOption();
        var catalog = ModelsOption.Create("--catalog");
        var command = new Command(
            "report",
            """
            Reports a study's run again: the tables with their intervals in the terminal, and as JSON and HTML. Judges'
            answers come from the cache, so a report costs nothing after the first; --hand-labels measures the panel
            against your own labels.

            Examples:
              crosstalk study report r-20261206-101500-ab12
              crosstalk study report r-20261206-101500-ab12 --json > table.json
              crosstalk study report r-20261206-101500-ab12 --hand-labels labels.csv
            """)
        {
            run, studyOption, judges, options.Output, options.Json, options.HandLabels, options.Cache, db, catalog,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var runId = parseResult.GetValue(run)!;
            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), CliEngine.Models(context, parseResult.GetValue(catalog)), cancellationToken).ConfigureAwait(false);
            if (await engine.Store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UserException($"There is no run '{runId}' in {engine.Store.Description}; 'crosstalk list' shows the runs.");
            }

            StudyDefinition definition;
            if (parseResult.GetValue(studyOption) is { } named)
            {
                definition = Resolve(context, named);
            }
            else
            {
                var source = (await engine.Runs.GetPlanAsync(runId, cancellationToken).ConfigureAwait(false)).Source;
                definition = source switch
                {
                    { } s when s.StartsWith(StudyFile.PresetPrefix, StringComparison.Ordinal) => StudyFile.Preset(s[StudyFile.PresetPrefix.Length..])
                        ?? throw new UserException($"Run {runId} was made by study {s}, which this version does not have; name one with --study."),
                    { } s when File.Exists(s) && StudyLike(s) => StudyFile.Load(s),
                    _ => throw new UserException($"Run {runId} was not made by a study; name the study to report it as with --study (e.g. --study attractors)."),
                };
            }

            definition = definition with { Judges = Judges(parseResult.GetValue(judges), definition.Judges) };
            var judging = definition.Measure == StudyMeasure.Judge ? Judging.Prepare(context, definition, engine, parseResult.GetValue(options.Cache)) : null;
            await ReportAsync(context, engine, definition, runId, judging, options, parseResult, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task ReportAsync(
        CliContext context, CrosstalkEngine engine, StudyDefinition definition, string runId, Judging? judging, ReportOptions options, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var conversations = await StudyData.LoadRunAsync(engine.Store, runId, cancellationToken).ConfigureAwait(false);
        var hand = parseResult.GetValue(options.HandLabels) is { } handPath ? HandLabels.Load(context.ResolvePath(handPath)) : null;
        StudyReport report;
        if (judging is not null)
        {
            var panel = await StudyJudging.JudgeAsync(
                conversations,
                judging.Rubric,
                judging.Controls,
                judging.Judges,
                judging.Cache,
                (done, total) =>
                {
                    if (done % 10 == 0 || done == total)
                    {
                        context.Error.WriteLine($"judged {done:N0} of {total:N0} conversations ({judging.Judges.Count} judge(s))…");
                    }
                },
                controlOutcomes: judging.Outcomes,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var line in panel.Unusable)
            {
                context.Say("warning", line);
            }

            report = StudyReports.Build(definition, conversations, runId, judging.Rubric, panel, hand);
        }
        else
        {
            report = StudyReports.Build(definition, conversations, runId, handLabels: hand);
        }

        var folder = OutputPaths.Folder(context, parseResult.GetValue(options.Output)!, "--output");
        var json = Path.Combine(folder, runId + ".json");
        var html = Path.Combine(folder, runId + ".html");
        // Each file whole or not at all: a Ctrl+C while writing leaves the last report as it was.
        var text = JsonSerializer.Serialize(report, StudyJsonContext.Default.StudyReport);
        AtomicFile.WriteAllText(json, text);
        using (var writer = new StringWriter())
        {
            StudyReportHtml.Write(report, writer);
            AtomicFile.WriteAllText(html, writer.ToString());
        }

        if (parseResult.GetValue(options.Json))
        {
            await context.Output.WriteLineAsync(text).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"Wrote {json} and {html}").ConfigureAwait(false);
            return;
        }

        foreach (var renderable in StudyView.Render(report))
        {
            context.Console.Write(renderable);
        }

        context.Console.MarkupLine($"[green]Wrote[/] {TerminalText.Escape(json)} and {TerminalText.Escape(html)}");
    }

    private static StudyDefinition Resolve(CliContext context, string name)
    {
        if (StudyFile.Preset(name) is { } preset)
        {
            return preset;
        }

        var path = context.ResolvePath(name);
        return File.Exists(path) ? StudyFile.Load(path) : throw Unknown(name);
    }

    private static UsageException Unknown(string name) =>
        new($"There is no built-in study '{name}' and no such file; built in: {string.Join(", ", StudyFile.Presets)} (crosstalk study list).");

    private static bool StudyLike(string path) => Path.GetExtension(path) is ".yaml" or ".yml";

    private static IReadOnlyList<string> Judges(string[]? given, IReadOnlyList<string> study) => given is { Length: > 0 } ? given : study;

    /// <summary>The options <c>run</c> and <c>report</c> share.</summary>
    private sealed class ReportOptions(CliContext context)
    {
        public Option<string> Output { get; } = new("--output", "-o") { Description = "The folder the report is written to, as RUN.json and RUN.html.", DefaultValueFactory = _ => "studies" };

        public Option<bool> Json { get; } = new("--json") { Description = "Print the report as JSON instead of tables (the files are written too)." };

        public Option<string?> HandLabels { get; } = new("--hand-labels") { Description = "A CSV of your own labels (conversation,FIELD,…), to measure the judge panel against: Cohen's kappa for labels, Spearman's rho for scales." };

        public Option<string?> Cache { get; } = new("--cache") { Description = $"Folder of cached judge answers. Default: {JudgeCommand.DefaultCache(context)}." };
    }

    /// <summary>A judged study's rubric, controls, panel and cache.</summary>
    private sealed record Judging(JudgeRubric Rubric, IReadOnlyList<JudgeControl> Controls, IReadOnlyList<PanelJudge> Judges, IJudgeCache Cache)
    {
        /// <summary>The judges' results on the controls, once they ran.</summary>
        public IReadOnlyList<ControlOutcome>? Outcomes { get; init; }

        public static Judging Prepare(CliContext context, StudyDefinition study, CrosstalkEngine engine, string? cache)
        {
            JudgeRubric rubric;
            IReadOnlyList<JudgeControl> controls;
            if (JudgeRubrics.Find(study.Rubric!) is { } builtIn)
            {
                (rubric, controls) = (builtIn, JudgeControls.For(builtIn.Id));
            }
            else
            {
                var folder = File.Exists(study.Source) ? Path.GetDirectoryName(Path.GetFullPath(study.Source))! : context.WorkingDirectory;
                var path = Path.GetFullPath(study.Rubric!, folder);
                (rubric, controls) = File.Exists(path)
                    ? RubricFile.Load(path)
                    : throw new UserException($"Study {study.Name}: its rubric '{study.Rubric}' is neither built in ({string.Join(", ", JudgeRubrics.All.Select(r => r.Id))}) nor a file.");
            }

            if (rubric.Scope != JudgeScope.Transcript)
            {
                throw new UserException($"Study {study.Name}: rubric '{rubric.Id}' judges single messages; a study labels whole conversations (scope: conversation).");
            }

            var judges = new List<PanelJudge>();
            foreach (var model in study.Judges)
            {
                try
                {
                    judges.Add(new PanelJudge(model, engine.Models.Resolve(model, seed: 1).Client));
                }
                catch (ModelResolutionException ex)
                {
                    throw new UserException($"--judge {ex.Message}", ex);
                }
            }

            return new Judging(rubric, controls, judges, new FileJudgeCache(cache is null ? JudgeCommand.DefaultCache(context) : context.ResolvePath(cache)));
        }
    }
}
