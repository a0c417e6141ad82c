using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Crosstalk.Cli.Batch;
using Crosstalk.Cli.Rendering;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Commands;

/// <summary><c>crosstalk fork</c>: a new conversation from the first messages of an old one, optionally with other models.</summary>
internal static class ForkCommand
{
    public static Command Create(CliContext context)
    {
        var conversation = new Argument<long>("conversation") { Description = "The conversation id ('crosstalk list RUN' shows them)." };
        var at = new Option<int>("--at") { Description = "Keep the first N messages, then let the models go on.", Required = true };
        var a = new Option<string?>("--a") { Description = "Another model for seat A (the seat that sent the opener); it inherits the seat's history." };
        var b = new Option<string?>("--b") { Description = "Another model for seat B." };
        var maxMessages = new Option<int?>("--max-messages") { Description = "The fork's message cap; default: the parent's." }.AtLeast(1);
        var seed = new Option<int?>("--seed") { Description = "The offline agents' seed; default: the parent's." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the result." };
        var db = StoreOptions.CreateDbOption();
        var modelsFile = new Option<string?>("--models") { Description = "A model catalog file merged over the built-in one; default: $CROSSTALK_MODELS, else ~/.config/crosstalk/models.yaml." };

        var command = new Command(
            "fork",
            """
            Starts a new conversation from the first N messages of a stored one, optionally with other models on
            its seats, and runs it to its end. The fork records its parent and where it was forked, and can be
            resumed like any run.

            Examples:
              crosstalk fork 42 --at 10
              crosstalk fork 42 --at 10 --b offline:markov --max-messages 40
            """)
        {
            conversation, at, a, b, maxMessages, seed, quiet, db, modelsFile,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var store = await StoreOptions.OpenAsync(context, parseResult.GetValue(db), cancellationToken).ConfigureAwait(false);
            var parentId = parseResult.GetValue(conversation);
            var parent = await store.GetTranscriptAsync(parentId, cancellationToken).ConfigureAwait(false)
                ?? throw new UserException($"There is no conversation {parentId} in {store.Description}; 'crosstalk list RUN' shows the ids.");
            var keep = parseResult.GetValue(at);
            if (keep < 1 || keep > parent.Messages.Count)
            {
                throw new UsageException($"--at must be between 1 and {parent.Messages.Count}, the messages of conversation {parentId} (was {keep}).");
            }

            if (parseResult.GetValue(maxMessages) is { } cap && cap <= keep)
            {
                throw new UsageException($"--max-messages ({cap}) must be more than the {keep} messages the fork keeps (--at), or nothing new would be said.");
            }

            if (parent.Participants.Count != 2)
            {
                throw new UserException($"Conversation {parentId} has {parent.Participants.Count} participants; fork works on two.");
            }

            using var resolver = new ModelResolver(context, 1, TimeSpan.Zero, parseResult.GetValue(modelsFile));
            var models = BatchSession.Models(resolver);
            var parentSpecJson = await store.GetConversationSpecAsync(parentId, cancellationToken).ConfigureAwait(false);
            var parentSpec = parentSpecJson is null ? null : JsonSerializer.Deserialize(parentSpecJson, BatchJsonContext.Default.BatchConversationSpec);
            var forkSeed = parseResult.GetValue(seed) ?? parentSpec?.Seed ?? 1;
            string?[] replacements = [parseResult.GetValue(a), parseResult.GetValue(b)];
            var seats = new List<BatchSeat>();
            for (var i = 0; i < 2; i++)
            {
                var participant = parent.Participants[i];
                var old = parentSpec?.Seats[i] ?? new BatchSeat(participant.Name, participant.Model ?? "", participant.SystemPrompt, null, null);
                if (replacements[i] is { } reference)
                {
                    var resolved = models(reference, forkSeed);
                    seats.Add(old with { Name = resolved.DisplayName, Model = reference });
                }
                else if (string.IsNullOrEmpty(old.Model))
                {
                    throw new UserException($"Conversation {parentId} does not record which model sat on seat {(i == 0 ? "A" : "B")}; name one with --{(i == 0 ? "a" : "b")}.");
                }
                else
                {
                    models(old.Model, forkSeed);
                    seats.Add(old);
                }
            }

            // Prompts that named the old participants now name the new ones.
            for (var i = 0; i < 2; i++)
            {
                var prompt = seats[i].SystemPrompt;
                if (prompt is not null)
                {
                    for (var j = 0; j < 2; j++)
                    {
                        if (seats[j].Name != parent.Participants[j].Name)
                        {
                            prompt = prompt.Replace(parent.Participants[j].Name, seats[j].Name, StringComparison.Ordinal);
                        }
                    }

                    seats[i] = seats[i] with { SystemPrompt = prompt };
                }
            }

            var stop = parentSpec?.Stop ?? BatchStop.From(new StopSettings());
            if (parseResult.GetValue(maxMessages) is { } max)
            {
                stop = stop with { MaxMessages = max };
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"fork-{parentId}-{keep}-{context.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()}");
            var spec = new BatchConversationSpec
            {
                Key = key,
                Number = 1,
                Repetition = 1,
                Seed = forkSeed,
                Seats = seats,
                Opener = parentSpec is null ? parent.Messages[0].Content : parentSpec.Opener,
                Stop = stop,
            };
            var plan = new BatchRunSpec { Name = $"fork of {parentId}", Concurrency = 1, Conversations = [spec] };
            var runId = await store.CreateRunAsync(
                new RunRecord
                {
                    ExperimentName = plan.Name,
                    Started = context.TimeProvider.GetLocalNow(),
                    SpecJson = JsonSerializer.Serialize(plan, BatchJsonContext.Default.BatchRunSpec),
                },
                cancellationToken).ConfigureAwait(false);

            var participants = seats.Select((s, i) => new Participant(i + 1, s.Name, s.Model, s.SystemPrompt)).ToList();
            var header = new Transcript
            {
                Title = Transcript.TitleFor(participants),
                Participants = participants,
                Started = context.TimeProvider.GetLocalNow(),
            };
            foreach (var message in parent.Messages.Take(keep))
            {
                header.Messages.Add(Renamed(message, seats[message.Seat - 1].Name));
            }

            header.Metadata[BatchMetadataKeys.Key] = key;
            header.Metadata[BatchMetadataKeys.Number] = "1";
            header.Metadata[BatchMetadataKeys.Seed] = forkSeed.ToString(CultureInfo.InvariantCulture);
            header.Metadata[StoreMetadataKeys.ParentId] = parentId.ToString(CultureInfo.InvariantCulture);
            header.Metadata[StoreMetadataKeys.ForkedAt] = keep.ToString(CultureInfo.InvariantCulture);
            var forkId = await store.CreateConversationAsync(runId, header, JsonSerializer.Serialize(spec, BatchJsonContext.Default.BatchConversationSpec), cancellationToken).ConfigureAwait(false);

            var runner = new BatchRunner(store, models, context.TimeProvider);
            var quietValue = parseResult.GetValue(quiet);
            if (!quietValue)
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "Forked conversation {0} at message {1} → conversation [bold]{2}[/] (run {3}): {4}", parentId, keep, forkId, TerminalText.Escape(runId), TerminalText.Escape(header.Title));
            }

            var exit = await BatchSession.RunAsync(context, store, runner, runId, new BatchSessionOptions { Quiet = true, Summary = false }, cancellationToken).ConfigureAwait(false);
            var result = await store.GetTranscriptAsync(forkId, CancellationToken.None).ConfigureAwait(false);
            if (result is not null)
            {
                context.Console.MarkupLine(CultureInfo.InvariantCulture, "Conversation {0}: {1} messages ({2} from the parent). Stopped: {3}", forkId, result.Messages.Count, keep, TranscriptView.StopLine(result));
            }

            return exit;
        });
        return command;
    }

    private static TranscriptMessage Renamed(TranscriptMessage message, string speaker) => new()
    {
        Seat = message.Seat,
        Speaker = speaker,
        Content = message.Content,
        Timestamp = message.Timestamp,
        Usage = message.Usage,
        Cost = message.Cost,
        Latency = message.Latency,
        TimeToFirstToken = message.TimeToFirstToken,
        FinishReason = message.FinishReason,
        Reasoning = message.Reasoning,
        SentAs = message.SentAs,
        Attempts = message.Attempts,
    };
}
