using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine;
using Crosstalk.Engine.Execution;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk run</c>: one conversation, streamed live, saved as seed Markdown and JSON.</summary>
internal static class RunCommand
{
    public const string DefaultOutputDirectory = "transcripts";

    public static Command Create(CliContext context)
    {
        var a = new Option<string>("--a") { Description = "The model on seat A (speaks the opener, unless --first b). A catalog name, provider:model, an OpenRouter id, offline:eliza, offline:markov or replay:FILE#SEAT.", DefaultValueFactory = _ => "offline:eliza" };
        var b = new Option<string>("--b") { Description = "The model on seat B.", DefaultValueFactory = _ => "offline:markov" };
        var opener = new Option<string>("--opener") { Description = "The opening message, attributed to the first seat. A single space by default, as in the original system; 'none' lets the first seat speak first from its system prompt alone.", DefaultValueFactory = _ => " " };
        var system = new Option<string?>("--system") { Description = "One system prompt for every seat ({self}, {other} and {end_token} are filled in). Default: a prompt telling each model its messages go to another model, that no human will step in, and that it may end by finishing a message with the end token." };
        var systemA = new Option<string?>("--system-a") { Description = "System prompt for seat A only." };
        var systemB = new Option<string?>("--system-b") { Description = "System prompt for seat B only." };
        var first = new Option<string>("--first") { Description = "Which seat opens: a or b.", DefaultValueFactory = _ => "a" };
        first.AcceptOnlyFromAmong("a", "b");
        var maxMessages = new Option<int>("--max-messages") { Description = "Stop after this many messages, the opener included.", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var endToken = new Option<string>("--end-token") { Description = "The token a model ends the conversation with, at the very end of its message.", DefaultValueFactory = _ => "[END]" };
        var endPolicy = new Option<string>("--end-policy") { Description = "any: one seat ending is enough (the original system's rule); mutual: every seat must end in consecutive messages; off: the token is only recorded.", DefaultValueFactory = _ => "any" };
        endPolicy.AcceptOnlyFromAmong("any", "mutual", "off");
        var stopOn = new Option<string?>("--stop-on") { Description = "Extra guards, comma-separated: goodbye-loop, repetition." };
        var timeLimit = new Option<TimeSpan?>("--time-limit") { Description = "Stop when the conversation has run this long: 90s, 10m, 2h or 00:10:00.", CustomParser = OptionRules.ParseDuration };
        var tokenBudget = new Option<long?>("--token-budget") { Description = "Stop when this many tokens (in + out) have been used." }.AtLeast(1);
        var costBudget = new Option<decimal?>("--cost-budget") { Description = "Stop when this many US dollars have been spent (refused when a model has no price: see --allow-unpriced)." }.Positive();
        var allowUnpriced = new Option<bool>("--allow-unpriced") { Description = "Run with --cost-budget although a model has no price in the catalog (its cost is then not counted)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for the offline agents (and sampling, where a provider takes one), so a run can be repeated exactly. Default: a new one each run, printed and kept in the transcript." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the transcript files (seed Markdown and JSON).", DefaultValueFactory = _ => DefaultOutputDirectory };
        var delay = new Option<int?>("--token-delay") { Description = "Milliseconds the offline agents wait per word, so you can watch them type. Default: 15 in a terminal, 0 otherwise." }.AtLeast(0);
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not stream the messages; print only the result." };
        var db = StoreOptions.CreateDbOption();
        var models = ModelsOption.Create();
        var otel = Telemetry.CreateOption();
        var verbose = Logging.CliLogging.CreateOption();
        var noStore = new Option<bool>("--no-store") { Description = "Write only the transcript files, not the store." };

        var command = new Command(
            "run",
            """
            Runs one conversation between two models, streams each message live and saves the transcript
            as seed Markdown and JSON. With no options, two offline agents talk (ELIZA and a Markov chain):
            no key and no network needed.

            Examples:
              crosstalk run
              crosstalk run --a "replay:001_56cfc8f72ca96c78.txt#1" \
                --b "replay:001_56cfc8f72ca96c78.txt#2" --end-policy mutual
              crosstalk run --a offline:eliza --b offline:eliza --max-messages 20 --seed 7
            """)
        {
            a, b, opener, system, systemA, systemB, first, maxMessages, endToken, endPolicy, stopOn, timeLimit, tokenBudget, costBudget, allowUnpriced, seed, output, delay, quiet, db, noStore, models, otel, verbose,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            foreach (var option in new[] { system, systemA, systemB })
            {
                // The planner refuses it too, but only the command line knows which option it came from.
                if (Crosstalk.Conversations.SystemPrompts.PlaceholderProblem(parseResult.GetValue(option), option.Name) is { } problem)
                {
                    throw new UsageException(problem);
                }
            }

            var settings = new RunSettings
            {
                ModelA = parseResult.GetValue(a)!,
                ModelB = parseResult.GetValue(b)!,
                Opener = parseResult.GetResult(opener) is null ? null : parseResult.GetValue(opener)!,
                System = parseResult.GetValue(system),
                SystemA = parseResult.GetValue(systemA),
                SystemB = parseResult.GetValue(systemB),
                FirstSeat = parseResult.GetValue(first) == "b" ? 2 : 1,
                MaxMessages = parseResult.GetValue(maxMessages),
                EndToken = parseResult.GetValue(endToken)!,
                EndPolicy = parseResult.GetValue(endPolicy)!,
                StopOn = parseResult.GetValue(stopOn),
                TimeLimit = parseResult.GetValue(timeLimit),
                TokenBudget = parseResult.GetValue(tokenBudget),
                CostBudget = parseResult.GetValue(costBudget),
                AllowUnpriced = parseResult.GetValue(allowUnpriced),
                Seed = parseResult.GetValue(seed) ?? Random.Shared.Next(1, 100_000),
                OutputDirectory = OutputPaths.Folder(context, parseResult.GetValue(output)!, "--output"),
                TokenDelay = parseResult.GetValue(delay),
                Quiet = parseResult.GetValue(quiet),
                Db = parseResult.GetValue(db),
                ModelsFile = parseResult.GetValue(models),
                Telemetry = parseResult.GetValue(otel),
                Verbose = parseResult.GetValue(verbose),
                UseStore = !parseResult.GetValue(noStore),
            };
            return await RunAsync(context, settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(CliContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.EndToken))
        {
            throw new UsageException("--end-token cannot be empty; use --end-policy off to ignore end tokens.");
        }

        OptionRules.CheckGuards(settings.StopOn, "--stop-on");
        var interactive = !settings.Quiet && context.Console.Profile.Capabilities.Interactive;
        var tokenDelay = TimeSpan.FromMilliseconds(settings.TokenDelay ?? (interactive ? 15 : 0));
        using var tracing = Telemetry.Start(settings.Telemetry);
        using var logs = Logging.CliLogging.Create(Logging.CliLogging.Level(settings.Verbose, context.Environment), context.Error);

        // Every conversation goes through the store and the one recorder; with --no-store the store is a file of its own
        // that goes when the conversation is done, and only the transcript files stay.
        var scratch = settings.UseStore ? null : Path.Combine(Path.GetTempPath(), "crosstalk-run-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        var models = CliEngine.Models(context, settings.ModelsFile, tokenDelay, telemetry: tracing is not null, logs: logs);
        try
        {
            await using var engine = await CliEngine.OpenAsync(context, scratch ?? settings.Db, models, cancellationToken).ConfigureAwait(false);
            var request = new ConversationRequest
            {
                Seats = [new SeatRequest(settings.ModelA, SystemPrompt: settings.SystemA), new SeatRequest(settings.ModelB, SystemPrompt: settings.SystemB)],
                SystemPrompt = settings.System,
                Opener = string.Equals(settings.Opener, "none", StringComparison.OrdinalIgnoreCase) ? null : settings.Opener,
                NoOpener = string.Equals(settings.Opener, "none", StringComparison.OrdinalIgnoreCase),
                FirstSeat = settings.FirstSeat,
                Seed = settings.Seed,
                StopPolicy = settings.ToStopSettings().ToPolicy(),
                EndToken = settings.EndToken,
                OutputDirectory = settings.OutputDirectory,
                AllowUnpriced = settings.AllowUnpriced,
            };

            PlannedConversation planned;
            try
            {
                planned = ConversationPlanner.PlanConversation(request, engine.Models, context.TimeProvider.GetLocalNow());
            }
            catch (ModelResolutionException ex)
            {
                // Name the option that named the model.
                var option = ex.Reference == settings.ModelA ? "--a" : ex.Reference == settings.ModelB ? "--b" : "model";
                throw new UserException($"{option} {ex.Message}", ex);
            }

            var plan = planned.Plan;
            var console = context.Console;
            if (!settings.Quiet)
            {
                console.Write(new Rule($"[bold]{TerminalText.Escape(plan.Seats[0].Name)}[/] ↔ [bold]{TerminalText.Escape(plan.Seats[1].Name)}[/]") { Justification = Justify.Left });
                console.MarkupLine(
                    CultureInfo.InvariantCulture,
                    "[grey]{0} ↔ {1} · stop: {2} · seed {3} · Ctrl+C stops and keeps what is complete[/]",
                    TerminalText.Escape(settings.ModelA),
                    TerminalText.Escape(settings.ModelB),
                    TerminalText.Escape(plan.StopPolicy),
                    settings.Seed);
            }

            var id = await engine.CreateConversationAsync(planned, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            var observer = new ConversationConsole(console, context.TimeProvider, settings.Quiet, plan.Seats.Count, plan.EndToken, plan.Opener is not null);
            var result = await engine.Conversations.ExecuteAsync(id, observer, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Report(context, engine, id, result, plan, stored: scratch is null);
        }
        finally
        {
            if (scratch is not null)
            {
                foreach (var file in new[] { scratch, scratch + "-wal", scratch + "-shm" })
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>What <c>run</c> and <c>resume ID</c> print once a conversation has stopped, and their exit code.</summary>
    internal static int Report(CliContext context, CrosstalkEngine engine, long id, ExecutionResult result, ConversationPlan plan, bool stored = true)
    {
        var console = context.Console;
        if (result.Outcome != ExecutionOutcome.Stopped)
        {
            throw new UserException(result.Detail ?? $"Conversation {id} did not run.");
        }

        var transcript = result.Transcript!;
        console.WriteLine();
        console.MarkupLine($"Stopped: {TranscriptView.StopLine(transcript)}");
        foreach (var file in new[] { plan.MarkdownPath, plan.JsonPath })
        {
            if (file is not null)
            {
                console.MarkupLine($"[green]Saved[/] {TerminalText.Escape(file)}");
            }
        }

        if (stored)
        {
            console.MarkupLine(CultureInfo.InvariantCulture, "[green]Stored[/] conversation {0} in {1} [grey](crosstalk serve shows it)[/]", id, TerminalText.Escape(engine.Store.Description));
            if (result.Stop?.Reason is StopReasons.Interrupted)
            {
                console.MarkupLine(CultureInfo.InvariantCulture, "[grey]To go on from message {1}: crosstalk resume {0}[/]", id, transcript.Messages.Count);
            }
        }

        return result.Stop?.Reason switch
        {
            StopReasons.Interrupted => ExitCodes.Interrupted,
            StopReasons.Error => ExitCodes.UserError,
            _ => ExitCodes.Success,
        };
    }
}
