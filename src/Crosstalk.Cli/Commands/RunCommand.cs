using System.CommandLine;
using System.Globalization;
using Crosstalk.Analysis;
using Crosstalk.Cli.Rendering;
using Crosstalk.Conversations;
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
        var costBudget = new Option<decimal?>("--cost-budget") { Description = "Stop when this many US dollars have been spent." }.Positive();
        var seed = new Option<int?>("--seed") { Description = "Seed for the offline agents (and sampling, where a provider takes one), so a run can be repeated exactly. Default: a new one each run, printed and kept in the transcript." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the transcript files (seed Markdown and JSON).", DefaultValueFactory = _ => DefaultOutputDirectory };
        var delay = new Option<int?>("--token-delay") { Description = "Milliseconds the offline agents wait per word, so you can watch them type. Default: 15 in a terminal, 0 otherwise." }.AtLeast(0);
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not stream the messages; print only the result." };
        var db = StoreOptions.CreateDbOption();
        var models = ModelsOption.Create();
        var otel = Telemetry.CreateOption();
        var noStore = new Option<bool>("--no-store") { Description = "Write only the transcript files, not the store." };

        var command = new Command(
            "run",
            """
            Runs one conversation between two models, streams each message live and saves the transcript
            as seed Markdown and JSON. With no options, two offline agents talk (ELIZA and a Markov chain):
            no key and no network needed.

            Examples:
              crosstalk run
              crosstalk run --a "replay:001_56cfc8f72ca96c78.txt#1" --b "replay:001_56cfc8f72ca96c78.txt#2" --end-policy mutual
              crosstalk run --a offline:eliza --b offline:eliza --max-messages 20 --seed 7
            """)
        {
            a, b, opener, system, systemA, systemB, first, maxMessages, endToken, endPolicy, stopOn, timeLimit, tokenBudget, costBudget, seed, output, delay, quiet, db, noStore, models, otel,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
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
                Seed = parseResult.GetValue(seed) ?? Random.Shared.Next(1, 100_000),
                OutputDirectory = OutputPaths.Folder(context, parseResult.GetValue(output)!, "--output"),
                TokenDelay = parseResult.GetValue(delay),
                Quiet = parseResult.GetValue(quiet),
                Db = parseResult.GetValue(db),
                ModelsFile = parseResult.GetValue(models),
                Telemetry = parseResult.GetValue(otel),
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

        var interactive = !settings.Quiet && context.Console.Profile.Capabilities.Interactive;
        var tokenDelay = TimeSpan.FromMilliseconds(settings.TokenDelay ?? (interactive ? 15 : 0));
        using var tracing = Telemetry.Start(settings.Telemetry);
        using var resolver = new ModelResolver(context, settings.Seed, tokenDelay, settings.ModelsFile, telemetry: tracing is not null);
        var seatA = resolver.Resolve(settings.ModelA, "--a");
        var seatB = resolver.Resolve(settings.ModelB, "--b");
        var seats = new[] { seatA, seatB };
        // Seats, not names, tell the speakers apart: a model talking to itself keeps its name on both seats.
        string[] names = [seatA.DisplayName, seatB.DisplayName];

        var stopSettings = settings.ToStopSettings();
        var stop = StopPolicyFactory.Create(stopSettings);
        var seatSpecs = new List<SeatSpec>();
        for (var i = 0; i < 2; i++)
        {
            var own = i == 0 ? settings.SystemA : settings.SystemB;
            var prompt = SystemPrompts.Fill(own ?? settings.System ?? SystemPrompts.Default, names[i], names[1 - i], settings.EndToken);
            seatSpecs.Add(new SeatSpec
            {
                Name = names[i],
                Model = seats[i].Model,
                SystemPrompt = prompt,
                BlankMessageReplacement = seats[i].BlankMessage,
            });
        }

        // A replay of a recording that this seat opened starts with the recorded opener, so it reproduces the original.
        var openerText = settings.Opener ?? seats[settings.FirstSeat - 1].RecordedOpener ?? ConversationSpec.DefaultOpener;
        var spec = new ConversationSpec
        {
            Seats = seatSpecs,
            Opener = string.Equals(openerText, "none", StringComparison.OrdinalIgnoreCase) ? null : openerText,
            FirstSeat = settings.FirstSeat,
            EndToken = settings.EndToken,
            Stop = stop,
        };

        var runner = new ConversationRunner(spec, [seatA.Client, seatB.Client], context.TimeProvider);
        runner.Transcript.Metadata["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture);
        var started = context.TimeProvider.GetLocalNow();
        var files = TranscriptFiles.Choose(settings.OutputDirectory, names[0], names[1], started);
        var console = context.Console;
        if (!settings.Quiet)
        {
            console.Write(new Rule($"[bold]{TerminalText.Escape(names[0])}[/] ↔ [bold]{TerminalText.Escape(names[1])}[/]") { Justification = Justify.Left });
            console.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0} ↔ {1} · stop: {2} · seed {3} · Ctrl+C stops and keeps what is complete[/]", TerminalText.Escape(seatA.Model), TerminalText.Escape(seatB.Model), TerminalText.Escape(StopPolicyFactory.Describe(stopSettings)), settings.Seed);
        }

        await using var recorder = settings.UseStore
            ? await StoreRecorder.OpenAsync(context, settings.Db, cancellationToken).ConfigureAwait(false)
            : null;
        var startTimestamp = context.TimeProvider.GetTimestamp();
        long tokens = 0;
        var shownIndex = 0;
        var indicators = new LiveIndicators(2, settings.EndToken, spec.Opener is not null);
        StopInfo? stopInfo = null;
        await foreach (var @event in runner.RunAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (@event)
            {
                case MessageStarted started1 when !settings.Quiet:
                    console.WriteLine();
                    console.Write(TranscriptView.MessageHeading(started1.Index, started1.Seat, runner.Transcript.GetParticipant(started1.Seat).Name));
                    break;
                case TextDelta delta when !settings.Quiet:
                    console.Write(new Text(TerminalText.Clean(delta.Text)));
                    shownIndex = delta.Index;
                    break;
                case MessageRestarted when !settings.Quiet:
                    console.WriteLine();
                    console.MarkupLine("[yellow]… the reply was cut off; what was shown of it is discarded[/]");
                    break;
                case AttemptFailed failed when !settings.Quiet:
                    console.MarkupLine(CultureInfo.InvariantCulture, "[yellow]… attempt {0} failed ({1}); asking again[/]", failed.Attempt.Number, TerminalText.Escape(failed.Attempt.Error));
                    break;
                case MessageCompleted completed:
                    tokens += completed.Message.Usage?.TotalTokens ?? 0;
                    if (!settings.Quiet)
                    {
                        if (shownIndex != completed.Index)
                        {
                            // Nothing streamed (the opener, or a client that answers in one piece): show it whole.
                            console.Write(MarkdownText.Render(completed.Message.Content));
                        }

                        console.WriteLine();
                        var elapsed = context.TimeProvider.GetElapsedTime(startTimestamp);
                        console.MarkupLine(CultureInfo.InvariantCulture, "[grey]message {0} · {1} · {2:N0} tokens so far[/]", completed.Index, TranscriptView.Duration(elapsed), tokens);
                        foreach (var indicator in indicators.Observe(completed.Message))
                        {
                            console.MarkupLine($"[yellow]⚠ {TerminalText.Escape(indicator)}[/]");
                        }
                    }

                    files.Save(runner.Transcript);
                    if (recorder is not null)
                    {
                        await recorder.AppendAsync(runner.Transcript, completed.Index, completed.Message).ConfigureAwait(false);
                    }

                    break;
                case ConversationStopped stopped:
                    stopInfo = stopped.Stop;
                    files.Save(stopped.Transcript);
                    if (recorder is not null)
                    {
                        await recorder.CompleteAsync(stopped.Transcript).ConfigureAwait(false);
                    }

                    break;
            }
        }

        var transcript = runner.Transcript;
        console.WriteLine();
        console.MarkupLine($"Stopped: {TranscriptView.StopLine(transcript)}");
        console.MarkupLine($"[green]Saved[/] {TerminalText.Escape(files.MarkdownPath)}");
        console.MarkupLine($"[green]Saved[/] {TerminalText.Escape(files.JsonPath)}");
        if (recorder?.ConversationId is { } id)
        {
            console.MarkupLine($"[green]Stored[/] conversation {id} in {TerminalText.Escape(recorder.Description)} [grey](crosstalk serve shows it)[/]");
            if (stopInfo?.Reason is StopReasons.Interrupted or StopReasons.Error && transcript.Messages.Count > 0)
            {
                // A single conversation is not a run, so `resume` does not know it; a fork at its last message goes on.
                console.MarkupLine(CultureInfo.InvariantCulture, "[grey]To go on from message {1}: crosstalk fork {0} --at {1}[/]", id, transcript.Messages.Count);
            }
        }

        return stopInfo?.Reason switch
        {
            StopReasons.Interrupted => ExitCodes.Interrupted,
            StopReasons.Error => ExitCodes.UserError,
            _ => ExitCodes.Success,
        };
    }
}
