using System.CommandLine;
using System.Globalization;
using Crosstalk.Cli.Rendering;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk fork</c>: a new conversation from the first messages of a stored one, with its plan and any changes.</summary>
internal static class ForkCommand
{
    public static Command Create(CliContext context)
    {
        var conversation = new Argument<long>("conversation") { Description = "The conversation id ('crosstalk list RUN' shows them)." }.NotAnOption();
        var at = new Option<int>("--at") { Description = "Keep the first N messages, then let the models go on (0: keep none, start again with the parent's plan).", Required = true };
        var a = new Option<string?>("--a") { Description = "Another model for seat A (the seat that sent the opener); it inherits the seat's history." };
        var b = new Option<string?>("--b") { Description = "Another model for seat B." };
        var maxMessages = new Option<int?>("--max-messages") { Description = "The fork's message cap; default: the parent's." }.AtLeast(1);
        var endPolicy = new Option<string?>("--end-policy") { Description = "any, mutual or off; default: the parent's." };
        endPolicy.AcceptOnlyFromAmong("any", "mutual", "off");
        var stopOn = new Option<string?>("--stop-on") { Description = "Guards in place of the parent's, comma-separated: goodbye-loop, repetition ('' for none)." };
        var stopPolicy = new Option<string?>("--stop-policy") { Description = "A whole stop policy in place of the parent's, e.g. \"end-token:mutual | max-messages:200 | goodbye-loop\"." };
        var opener = new Option<string?>("--opener") { Description = "Another opener; with --at 0 (the opener is the first message)." };
        var seed = new Option<int?>("--seed") { Description = "The offline agents' seed; default: the parent's." };
        var allowUnpriced = new Option<bool>("--allow-unpriced") { Description = "Keep a cost budget in the stop policy although a model has no price in the catalog (its cost is then not counted)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not stream the messages; print only the result." };
        var db = StoreOptions.CreateDbOption();
        var modelsFile = ModelsOption.Create();

        var command = new Command(
            "fork",
            """
            Starts a new conversation from the first N messages of a stored one and runs it to its end. The fork
            inherits the parent's plan — seats, system prompts, options, seed and stop policy — so with the same
            seed it says what the parent said; change any of them to see what else could have happened. The fork
            records its parent and where it was forked, and can be resumed like any conversation.

            Examples:
              crosstalk fork 42 --at 10
              crosstalk fork 42 --at 10 --b offline:markov --max-messages 40
              crosstalk fork 42 --at 24 --end-policy off --stop-on goodbye-loop
              crosstalk fork 42 --at 0 --opener "Hello." --seed 7
            """)
        {
            conversation, at, a, b, maxMessages, endPolicy, stopOn, stopPolicy, opener, seed, allowUnpriced, quiet, db, modelsFile,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var guards = parseResult.GetResult(stopOn) is null ? null : OptionRules.CheckGuards(parseResult.GetValue(stopOn), "--stop-on");
            var models = CliEngine.Models(context, parseResult.GetValue(modelsFile));
            await using var engine = await CliEngine.OpenAsync(context, parseResult.GetValue(db), models, cancellationToken).ConfigureAwait(false);
            var parentId = parseResult.GetValue(conversation);
            var parent = await engine.Store.GetTranscriptAsync(parentId, cancellationToken).ConfigureAwait(false)
                ?? throw new UserException($"There is no conversation {parentId} in {engine.Store.Description}; 'crosstalk list RUN' shows the ids.");
            var keep = parseResult.GetValue(at);
            if (keep < 0 || keep > parent.Messages.Count)
            {
                throw new UsageException($"--at must be between 0 and {parent.Messages.Count}, the messages of conversation {parentId} (was {keep}).");
            }

            if (parseResult.GetValue(maxMessages) is { } cap && cap <= keep)
            {
                throw new UsageException($"--max-messages ({cap}) must be more than the {keep} messages the fork keeps (--at), or nothing new would be said.");
            }

            if (parseResult.GetValue(opener) is not null && keep > 0)
            {
                throw new UsageException("--opener replaces the first message, so it goes with --at 0.");
            }

            var replacements = new Dictionary<int, string>();
            if (parseResult.GetValue(a) is { } modelA)
            {
                replacements[1] = modelA;
            }

            if (parseResult.GetValue(b) is { } modelB)
            {
                replacements[2] = modelB;
            }

            var request = new ForkRequest
            {
                At = keep,
                Models = replacements,
                StopPolicy = parseResult.GetValue(stopPolicy),
                EndPolicy = parseResult.GetValue(endPolicy),
                Guards = guards,
                MaxMessages = parseResult.GetValue(maxMessages),
                Opener = parseResult.GetValue(opener),
                Seed = parseResult.GetValue(seed),
                AllowUnpriced = parseResult.GetValue(allowUnpriced),
            };

            PlannedConversation planned;
            try
            {
                planned = ConversationPlanner.PlanFork(parentId, parent, await engine.GetPlanAsync(parentId, cancellationToken).ConfigureAwait(false), request, engine.Models, context.TimeProvider.GetLocalNow());
            }
            catch (ModelResolutionException ex)
            {
                var option = ex.Reference == request.Models.GetValueOrDefault(1) ? "--a" : ex.Reference == request.Models.GetValueOrDefault(2) ? "--b" : "model";
                throw new UserException($"{option} {ex.Message}", ex);
            }

            var forkId = await engine.CreateConversationAsync(planned, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            var quietValue = parseResult.GetValue(quiet);
            context.Console.MarkupLine(
                CultureInfo.InvariantCulture,
                "Forked conversation {0} at message {1} → conversation [bold]{2}[/]: {3} · seed {4} · stop: {5}",
                parentId,
                keep,
                forkId,
                TerminalText.Escape(planned.Header.Title),
                planned.Plan.Seed,
                TerminalText.Escape(planned.Plan.StopPolicy));
            var plan = planned.Plan;
            var observer = new ConversationConsole(context.Console, context.TimeProvider, quietValue, plan.Seats.Count, plan.EndToken, plan.Opener is not null);
            var result = await engine.Conversations.ExecuteAsync(forkId, observer, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.Transcript is { } transcript)
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "Conversation {0}: {1} messages ({2} from the parent).", forkId, transcript.Messages.Count, keep);
            }

            return RunCommand.Report(context, engine, forkId, result, plan);
        });
        return command;
    }
}
