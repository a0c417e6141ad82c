using System.Globalization;
using Crosstalk.Conversations;
using Crosstalk.Engine.Models;
using Crosstalk.Experiments;
using Crosstalk.Stopping;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Engine.Plans;

/// <summary>
/// The one planner: an experiment, a single conversation (<c>crosstalk run</c>, the live page) or a fork becomes
/// conversation plans, each with everything needed to run or continue it from the store alone.
/// </summary>
public static class ConversationPlanner
{
    /// <summary>The JSON format <see cref="ConversationPlan.JsonPath"/> is written in for a single conversation (the batch writes the original system's).</summary>
    public const string CrosstalkJson = "crosstalk";

    /// <summary>Expands an experiment into its run and conversations: names, filled prompts, options, seeds, files.</summary>
    /// <exception cref="ModelResolutionException">A model the experiment names cannot be used.</exception>
    /// <exception cref="PlanException">A cost budget or ceiling is set but a model has no price, and <paramref name="allowUnpriced"/> is not.</exception>
    public static (RunPlan Run, IReadOnlyList<PlannedConversation> Conversations) PlanRun(
        Experiment experiment, IModelResolver models, DateTimeOffset started, string? outputDirectory, bool allowUnpriced = false)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(models);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var blanks = new Dictionary<string, string?>(StringComparer.Ordinal);
        var limit = experiment.Stop.CostBudget is not null ? "cost_budget" : experiment.CostCeiling is not null ? "cost_ceiling" : null;
        foreach (var model in experiment.Models)
        {
            if (!names.ContainsKey(model.Reference))
            {
                var resolved = models.Resolve(model.Reference, experiment.Seed);
                names[model.Reference] = CheckName(model.DisplayName ?? resolved.DisplayName, model.Reference);
                blanks[model.Reference] = resolved.BlankMessage;
                CheckPriced(resolved, limit, allowUnpriced);
            }
        }

        var policy = experiment.Stop.ToPolicy();
        var stamp = started.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var usedStems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var conversations = new List<PlannedConversation>();
        foreach (var planned in experiment.Expand())
        {
            var first = planned.First.DisplayName ?? names[planned.First.Reference];
            var second = planned.Second.DisplayName ?? names[planned.Second.Reference];
            string? markdown = null, json = null;
            if (outputDirectory is not null)
            {
                var stem = FileNames.Unused(outputDirectory, $"{FileNames.Safe(first)}_vs_{FileNames.Safe(second)}_{stamp}_run{planned.Repetition}", usedStems);
                markdown = Path.Combine(outputDirectory, stem + ".md");
                json = Path.Combine(outputDirectory, stem + ".json");
            }

            var plan = new ConversationPlan
            {
                Seats =
                [
                    Seat(experiment, planned.First, first, second, planned.SystemPrompt, models, blanks),
                    Seat(experiment, planned.Second, second, first, planned.SystemPrompt, models, blanks),
                ],
                Opener = planned.Opener,
                Seed = planned.Seed,
                StopPolicy = policy,
                EndToken = experiment.Stop.EndToken,
                Key = planned.Key,
                Number = planned.Number,
                Repetition = planned.Repetition,
                PromptTemplate = planned.SystemPrompt ?? SystemPrompts.Default,
                MarkdownPath = markdown,
                JsonPath = json,
            };
            var header = Header(plan);
            header.Metadata[PlanMetadataKeys.Experiment] = experiment.Name;
            conversations.Add(new PlannedConversation(plan, header));
        }

        var run = new RunPlan
        {
            Name = experiment.Name,
            Source = experiment.Source,
            Concurrency = experiment.Concurrency,
            CostCeiling = experiment.CostCeiling,
            OutputDirectory = outputDirectory,
        };
        return (run, conversations);
    }

    /// <summary>Plans one conversation as a user asked for it.</summary>
    /// <exception cref="ModelResolutionException">A seat's model cannot be used.</exception>
    /// <exception cref="PlanException">The request cannot be run (fewer than two seats, a bad stop policy, an empty end token).</exception>
    public static PlannedConversation PlanConversation(ConversationRequest request, IModelResolver models, DateTimeOffset started)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(models);
        if (request.Seats.Count < 2)
        {
            throw new PlanException("A conversation needs at least two seats.");
        }

        if (request.FirstSeat < 1 || request.FirstSeat > request.Seats.Count)
        {
            throw new PlanException(string.Create(CultureInfo.InvariantCulture, $"The first seat must be between 1 and {request.Seats.Count}."));
        }

        var budget = CheckPolicy(request.StopPolicy, request.EndToken).CountsCost ? "The cost budget" : null;
        var resolved = new List<ResolvedModel>(request.Seats.Count);
        var names = new List<string>(request.Seats.Count);
        foreach (var seat in request.Seats)
        {
            var model = models.Resolve(seat.Model.Trim(), request.Seed);
            CheckPriced(model, budget, request.AllowUnpriced);
            resolved.Add(model);
            names.Add(CheckName(string.IsNullOrWhiteSpace(seat.Name) ? model.DisplayName : seat.Name.Trim(), seat.Model));
        }

        var seats = new List<SeatPlan>(request.Seats.Count);
        for (var i = 0; i < request.Seats.Count; i++)
        {
            var other = names[(i + 1) % names.Count];
            var template = NonBlank(request.Seats[i].SystemPrompt) ?? NonBlank(request.SystemPrompt) ?? SystemPrompts.Default;
            if (SystemPrompts.PlaceholderProblem(template, string.Create(CultureInfo.InvariantCulture, $"The system prompt of seat {i + 1}")) is { } problem)
            {
                throw new PlanException(problem);
            }

            seats.Add(new SeatPlan(
                names[i],
                models.Anchor(request.Seats[i].Model.Trim()),
                SystemPrompts.Fill(template, names[i], other, request.EndToken),
                BlankMessage: resolved[i].BlankMessage));
        }

        // A replay of a recording that this seat opened starts with the recorded opener, so it reproduces the original.
        var opener = request.NoOpener ? null : request.Opener ?? resolved[request.FirstSeat - 1].RecordedOpener ?? ConversationPlan.DefaultOpener;
        string? markdown = null, json = null;
        if (request.OutputDirectory is { } directory)
        {
            // The runner takes turns from the first seat: a name two seats share must still read back from the Markdown.
            if (SeedMarkdown.TurnOrderProblem(names, request.FirstSeat) is not null)
            {
                throw new PlanException(string.Create(CultureInfo.InvariantCulture,
                    $"Seat {request.FirstSeat} opens, and more than one seat is named '{names[request.FirstSeat - 1]}': the seed Markdown transcript, which names speakers and not seats, would read back with the seats swapped. Let seat 1 open (swap the seats' models and prompts), or give the seats different names."));
            }

            var stem = FileNames.Unused(directory, FileNames.Stem(names[0], names[1], started));
            markdown = Path.Combine(directory, stem + ".md");
            json = Path.Combine(directory, stem + ".json");
        }

        var plan = new ConversationPlan
        {
            Seats = seats,
            Opener = opener,
            FirstSeat = request.FirstSeat,
            Seed = request.Seed,
            StopPolicy = request.StopPolicy,
            EndToken = request.EndToken,
            MarkdownPath = markdown,
            JsonPath = json,
            JsonFormat = json is null ? null : CrosstalkJson,
        };
        var header = Header(plan);
        header.Started = started;
        return new PlannedConversation(plan, header);
    }

    /// <summary>Plans a fork of <paramref name="parent"/>: its plan (or what its transcript records), with the request's changes.</summary>
    /// <param name="parentId">The parent's id in the store.</param>
    /// <param name="parent">The parent's transcript.</param>
    /// <param name="parentPlan">The parent's plan; null for a conversation stored without one (an import).</param>
    /// <param name="request">What to keep and what to change.</param>
    /// <param name="models">Resolves replaced models (and checks the kept ones can still be used).</param>
    /// <param name="now">When the fork starts.</param>
    /// <exception cref="PlanException">The fork cannot be made as asked; the message says why.</exception>
    /// <exception cref="ModelResolutionException">A seat's model cannot be used.</exception>
    public static PlannedConversation PlanFork(
        long parentId, Transcript parent, ConversationPlan? parentPlan, ForkRequest request, IModelResolver models, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(models);
        var id = parentId.ToString(CultureInfo.InvariantCulture);
        if (request.At < 0 || request.At > parent.Messages.Count)
        {
            throw new PlanException(string.Create(
                CultureInfo.InvariantCulture, $"A fork of conversation {id} keeps between 0 and {parent.Messages.Count} of its messages (asked for {request.At})."));
        }

        if (request.Opener is not null && request.At > 0)
        {
            throw new PlanException("A new opener replaces the first message, so it goes with a fork that keeps no message (at 0).");
        }

        var seatCount = parent.Participants.Count;
        var seed = request.Seed ?? parentPlan?.Seed
            ?? (parent.Metadata.TryGetValue(PlanMetadataKeys.Seed, out var seedText) && int.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : 1);
        var seats = new List<SeatPlan>(seatCount);
        var resolvedSeats = new List<ResolvedModel>(seatCount);
        for (var i = 0; i < seatCount; i++)
        {
            var participant = parent.Participants[i];
            var old = parentPlan?.Seats.ElementAtOrDefault(i) ?? new SeatPlan(participant.Name, participant.Model ?? string.Empty, participant.SystemPrompt);
            if (request.Models.TryGetValue(i + 1, out var reference))
            {
                var resolved = models.Resolve(reference.Trim(), seed);
                resolvedSeats.Add(resolved);
                seats.Add(old with { Name = CheckName(resolved.DisplayName, reference.Trim()), Model = models.Anchor(reference.Trim()), BlankMessage = resolved.BlankMessage });
            }
            else if (string.IsNullOrEmpty(old.Model))
            {
                throw new PlanException(string.Create(
                    CultureInfo.InvariantCulture, $"Conversation {id} does not record which model sat on seat {i + 1}; name one for that seat."));
            }
            else
            {
                resolvedSeats.Add(models.Resolve(old.Model, seed));
                seats.Add(old);
            }
        }

        // Prompts that named the old participants now name the new ones.
        for (var i = 0; i < seats.Count; i++)
        {
            if (seats[i].SystemPrompt is not { } prompt)
            {
                continue;
            }

            for (var j = 0; j < seats.Count; j++)
            {
                if (seats[j].Name != parent.Participants[j].Name)
                {
                    prompt = prompt.Replace(parent.Participants[j].Name, seats[j].Name, StringComparison.Ordinal);
                }
            }

            seats[i] = seats[i] with { SystemPrompt = prompt };
        }

        var endToken = parentPlan?.EndToken ?? "[END]";
        var policy = ForkPolicy(parentPlan?.StopPolicy ?? new StopSettings().ToPolicy(), request);
        var condition = CheckPolicy(policy, endToken);
        foreach (var resolved in resolvedSeats)
        {
            CheckPriced(resolved, condition.CountsCost ? "cost-budget" : null, request.AllowUnpriced);
        }

        if (request.At > 0 && condition.MessageLimit is { } cap && cap <= request.At)
        {
            throw new PlanException(string.Create(
                CultureInfo.InvariantCulture, $"The fork keeps {request.At} messages, so its message cap ({cap}) must be more, or nothing new would be said."));
        }

        var opener = request.Opener ?? (parentPlan is null ? parent.Messages.FirstOrDefault()?.Content : parentPlan.Opener);
        var plan = new ConversationPlan
        {
            Seats = seats,
            Opener = opener,
            FirstSeat = parentPlan?.FirstSeat ?? parent.Messages.FirstOrDefault()?.Seat ?? 1,
            Seed = seed,
            StopPolicy = policy,
            EndToken = endToken,
            ForkedAt = request.At,
        };
        var header = Header(plan);
        header.Started = now;
        foreach (var message in parent.Messages.Take(request.At))
        {
            header.Messages.Add(Renamed(message, seats[message.Seat - 1].Name));
        }

        header.Metadata[StoreMetadataKeys.ParentId] = id;
        header.Metadata[StoreMetadataKeys.ForkedAt] = request.At.ToString(CultureInfo.InvariantCulture);
        return new PlannedConversation(plan, header);
    }

    /// <summary>The transcript a plan starts as: title, participants and the metadata every front shows.</summary>
    public static Transcript Header(ConversationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var participants = plan.Seats.Select((seat, i) => new Participant(i + 1, seat.Name, seat.Model, seat.SystemPrompt)).ToList();
        var header = new Transcript
        {
            Title = plan.Title ?? Transcript.TitleFor(participants),
            Participants = participants,
        };
        header.Metadata[PlanMetadataKeys.Seed] = plan.Seed.ToString(CultureInfo.InvariantCulture);
        if (plan.EndToken != Crosstalk.Analysis.EndTokenDetector.DefaultToken)
        {
            header.Metadata[Engine.Analysis.AnalysisMetadataKeys.EndToken] = plan.EndToken;
        }

        if (plan.Opener is null)
        {
            // No opener: the first seat speaks from its system prompt, and its first message is judged like the others.
            header.Metadata[TranscriptMetadataKeys.FirstMessage] = TranscriptMetadataKeys.FirstMessageSpoken;
        }

        if (plan.Key is { } key)
        {
            header.Metadata[PlanMetadataKeys.Key] = key;
        }

        if (plan.Number is { } number)
        {
            header.Metadata[PlanMetadataKeys.Number] = number.ToString(CultureInfo.InvariantCulture);
        }

        if (plan.Repetition is { } repetition)
        {
            header.Metadata[PlanMetadataKeys.Repetition] = repetition.ToString(CultureInfo.InvariantCulture);
        }

        return header;
    }

    private static SeatPlan Seat(
        Experiment experiment, ExperimentModel model, string self, string other, string? template, IModelResolver models, Dictionary<string, string?> blanks) => new(
        self,
        models.Anchor(model.Reference),
        SystemPrompts.Fill(model.SystemPrompt ?? template ?? SystemPrompts.Default, self, other, experiment.Stop.EndToken),
        model.Temperature ?? experiment.Temperature,
        model.MaxTokens ?? experiment.MaxTokens,
        blanks[model.Reference]);

    private static string ForkPolicy(string parentPolicy, ForkRequest request)
    {
        if (request.StopPolicy is { } whole)
        {
            return whole;
        }

        if (request.EndPolicy is null && request.Guards is null && request.MaxMessages is null)
        {
            return parentPolicy;
        }

        if (!StopSettings.TryFromPolicy(parentPolicy, out var settings))
        {
            throw new PlanException($"The parent's stop policy \"{parentPolicy}\" is more than an end policy, a cap and guards; give the fork a whole stop policy instead.");
        }

        return (settings with
        {
            EndPolicy = request.EndPolicy ?? settings.EndPolicy,
            Guards = request.Guards ?? settings.Guards,
            MaxMessages = request.MaxMessages ?? settings.MaxMessages,
        }).ToPolicy();
    }

    /// <summary>
    /// Refuses a cost ceiling given when a run is resumed (<c>resume --cost-ceiling</c>) over a run with a model that has no
    /// price, as <see cref="PlanRun"/> refuses one given when it is planned.
    /// </summary>
    /// <exception cref="PlanException">A model of the run has no price, and <paramref name="allowUnpriced"/> is not set.</exception>
    public static void CheckCostCeiling(IEnumerable<ConversationPlan> plans, IModelResolver models, bool allowUnpriced)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(models);
        foreach (var reference in plans.SelectMany(c => c.Seats).Select(s => s.Model).Distinct(StringComparer.Ordinal))
        {
            CheckPriced(models.Resolve(reference, 0), "--cost-ceiling", allowUnpriced);
        }
    }

    // Every seat's name goes into titles and headings: one that would not read back is refused here, where each name is
    // decided (a catalog's, an experiment's, a form's), in one line naming the model.
    private static string CheckName(string name, string reference) =>
        SeedMarkdown.NameProblem(name) is { } problem
            ? throw new PlanException($"The name '{name.ReplaceLineEndings(" ")}' of {reference} cannot be used: {problem}.")
            : name;

    // A budget counted in dollars is never reached by a model whose cost is not counted: say so before anything runs.
    private static void CheckPriced(ResolvedModel model, string? limit, bool allowUnpriced)
    {
        if (limit is not null && model.Unpriced && !allowUnpriced)
        {
            throw new PlanException(
                $"{limit} is set, but {model.Reference} has no price in the model catalog, so its cost is not counted and the limit could be passed unseen; "
                + "give it a price in your models file (docs/models.md), or allow unpriced models (--allow-unpriced).");
        }
    }

    private static StopCondition CheckPolicy(string policy, string endToken)
    {
        if (string.IsNullOrWhiteSpace(endToken))
        {
            throw new PlanException("The end token cannot be empty; to ignore end tokens, use the end policy off.");
        }

        try
        {
            return StopConditions.Parse(policy);
        }
        catch (FormatException ex)
        {
            throw new PlanException(ex.Message, ex);
        }
    }

    private static string? NonBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

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
