using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Crosstalk.Cli.Commands;
using Crosstalk.Conversations;
using Crosstalk.Experiments;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;

namespace Crosstalk.Cli.Batch;

/// <summary>
/// Runs the conversations of a run in parallel, storing every message the moment it completes. A run is created
/// whole before anything runs (its plan stored with it), so the same <see cref="RunAsync"/> starts a run and resumes one.
/// </summary>
/// <remarks>
/// Concurrency is bounded by <see cref="Parallel.ForEachAsync{TSource}(IEnumerable{TSource}, ParallelOptions, Func{TSource, CancellationToken, ValueTask})"/>
/// and everything below it is asynchronous, so hundreds of conversations wait on their providers without a thread each.
/// A conversation stopped by cancellation keeps its completed messages and is stored as interrupted, which a resume continues.
/// </remarks>
internal sealed class BatchRunner
{
    private readonly ITranscriptStore _store;
    private readonly BatchModelFactory _models;
    private readonly TimeProvider _time;

    public BatchRunner(ITranscriptStore store, BatchModelFactory models, TimeProvider time)
    {
        _store = store;
        _models = models;
        _time = time;
    }

    /// <summary>
    /// Rewrites a seat's model reference as it is stored in the plan, so that a resume from another folder finds the same
    /// model: the CLI turns a relative <c>replay:</c> path into an absolute one. Unchanged by default.
    /// </summary>
    public Func<string, string>? AnchorReference { get; init; }

    /// <summary>Plans the experiment and stores the run and all its conversations; returns the run id.</summary>
    public async Task<string> CreateRunAsync(Experiment experiment, string? outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var started = _time.GetLocalNow();
        var plan = BatchPlanner.Plan(experiment, _models, started, outputDirectory, AnchorReference);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["conversations"] = plan.Conversations.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (experiment.Source is { } source)
        {
            metadata["source"] = source;
        }

        var runId = await _store.CreateRunAsync(
            new RunRecord
            {
                ExperimentName = experiment.Name,
                Started = started,
                Metadata = metadata,
                SpecJson = JsonSerializer.Serialize(plan, BatchJsonContext.Default.BatchRunSpec),
            },
            cancellationToken).ConfigureAwait(false);
        await CreateMissingConversationsAsync(runId, plan, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>The stored plan of a run; a run not made by a batch has none.</summary>
    public async Task<BatchRunSpec> GetPlanAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new UserException($"There is no run '{runId}' in {_store.Description}; 'crosstalk list' shows the runs.");
        return ReadPlan(run);
    }

    /// <summary>
    /// Runs every unfinished conversation of the run (all of them, for a new run), at most
    /// <paramref name="concurrency"/> (default: the plan's) at once, until the run has spent <paramref name="costCeiling"/>
    /// (default: the plan's).
    /// </summary>
    public async Task<BatchOutcome> RunAsync(
        string runId, BatchProgressFactory? progressFactory = null, int? concurrency = null, decimal? costCeiling = null, CancellationToken cancellationToken = default)
    {
        var plan = await GetPlanAsync(runId, cancellationToken).ConfigureAwait(false);
        var ceilingUsd = costCeiling ?? plan.CostCeiling;
        await CreateMissingConversationsAsync(runId, plan, cancellationToken).ConfigureAwait(false);

        var progress = new BatchProgress(_time, runId, plan.Conversations.Count);
        await foreach (var summary in _store.ListConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false))
        {
            progress.AddEarlier(summary.MessageCount, summary.TotalTokens, summary.TotalCost, summary.StopReason);
        }

        var unfinished = await _store.GetUnfinishedConversationsAsync(runId, cancellationToken).ConfigureAwait(false);
        var ceilingReached = 0;
        var errors = new ConcurrentQueue<string>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency ?? plan.Concurrency) };

        async Task WorkAsync()
        {
            await Parallel.ForEachAsync(unfinished, options, async (id, _) =>
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    progress.Skip();
                    return;
                }

                if (ceilingUsd is { } ceiling && progress.Cost >= ceiling)
                {
                    Volatile.Write(ref ceilingReached, 1);
                    progress.Skip();
                    return;
                }

                try
                {
                    await RunConversationAsync(id, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (TranscriptStoreException ex)
                {
                    errors.Enqueue($"conversation {id}: {ex.Message}");
                }
            }).ConfigureAwait(false);
        }

        if (progressFactory is null)
        {
            await WorkAsync().ConfigureAwait(false);
        }
        else
        {
            await progressFactory(progress, WorkAsync).ConfigureAwait(false);
        }

        var left = await _store.GetUnfinishedConversationsAsync(runId, CancellationToken.None).ConfigureAwait(false);
        return new BatchOutcome(runId, left.Count, cancellationToken.IsCancellationRequested, Volatile.Read(ref ceilingReached) == 1, [.. errors]);
    }

    /// <summary>Rebuilds the runner's specification from a stored conversation plan.</summary>
    /// <param name="spec">The stored plan.</param>
    /// <param name="blankMessages">Per seat, what its endpoint needs instead of a blank message (null: blank is fine).</param>
    /// <param name="forkedAt">For a fork, the messages copied from its parent (see <see cref="ConversationSpec.ForkedAt"/>).</param>
    public static ConversationSpec ToConversationSpec(BatchConversationSpec spec, IReadOnlyList<string?>? blankMessages = null, int forkedAt = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var seats = new List<SeatSpec>(spec.Seats.Count);
        for (var i = 0; i < spec.Seats.Count; i++)
        {
            var seat = spec.Seats[i];
            seats.Add(new SeatSpec
            {
                Name = seat.Name,
                Model = seat.Model,
                SystemPrompt = seat.SystemPrompt,
                BlankMessageReplacement = blankMessages is { } blanks && i < blanks.Count ? blanks[i] : null,
                Options = seat.Temperature is null && seat.MaxTokens is null ? null : new ChatOptions { Temperature = seat.Temperature, MaxOutputTokens = seat.MaxTokens },
            });
        }

        return new ConversationSpec
        {
            Seats = seats,
            Opener = spec.Opener,
            FirstSeat = 1,
            EndToken = spec.Stop.EndToken,
            Stop = StopPolicyFactory.Create(spec.Stop.ToSettings()),
            ForkedAt = forkedAt,
        };
    }

    // How many messages a fork copied from its parent (none for a conversation of its own).
    private static int ForkedAt(Transcript transcript) =>
        transcript.Metadata.TryGetValue(StoreMetadataKeys.ForkedAt, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var kept) ? kept : 0;

    internal static BatchRunSpec ReadPlan(RunRecord run)
    {
        if (string.IsNullOrEmpty(run.SpecJson))
        {
            throw new UserException($"Run '{run.Id}' was not made by 'crosstalk batch', so it cannot be resumed.");
        }

        try
        {
            return JsonSerializer.Deserialize(run.SpecJson, BatchJsonContext.Default.BatchRunSpec)
                ?? throw new UserException($"Run '{run.Id}' has an empty plan.");
        }
        catch (JsonException ex)
        {
            throw new UserException($"Run '{run.Id}' has a plan this version cannot read ({ex.Message}).", ex);
        }
    }

    /// <summary>Creates the planned conversations not yet in the store (a process may have died while creating them).</summary>
    private async Task CreateMissingConversationsAsync(string runId, BatchRunSpec plan, CancellationToken cancellationToken)
    {
        var existing = await _store.CountConversationsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false);
        if (existing >= plan.Conversations.Count)
        {
            return;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (existing > 0)
        {
            await foreach (var transcript in _store.ReadTranscriptsAsync(new ConversationQuery { RunId = runId }, cancellationToken).ConfigureAwait(false))
            {
                if (transcript.Metadata.TryGetValue(BatchMetadataKeys.Key, out var key))
                {
                    keys.Add(key);
                }
            }
        }

        foreach (var conversation in plan.Conversations)
        {
            if (keys.Contains(conversation.Key))
            {
                continue;
            }

            var participants = conversation.Seats.Select((seat, i) => new Participant(i + 1, seat.Name, seat.Model, seat.SystemPrompt)).ToList();
            var header = new Transcript
            {
                Title = Transcript.TitleFor(participants),
                Participants = participants,
            };
            header.Metadata[BatchMetadataKeys.Experiment] = plan.Name;
            header.Metadata[BatchMetadataKeys.Key] = conversation.Key;
            header.Metadata[BatchMetadataKeys.Number] = conversation.Number.ToString(CultureInfo.InvariantCulture);
            header.Metadata[BatchMetadataKeys.Repetition] = conversation.Repetition.ToString(CultureInfo.InvariantCulture);
            header.Metadata[BatchMetadataKeys.Seed] = conversation.Seed.ToString(CultureInfo.InvariantCulture);
            await _store.CreateConversationAsync(runId, header, JsonSerializer.Serialize(conversation, BatchJsonContext.Default.BatchConversationSpec), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunConversationAsync(long id, BatchProgress progress, CancellationToken cancellationToken)
    {
        var specJson = await _store.GetConversationSpecAsync(id, CancellationToken.None).ConfigureAwait(false);
        var transcript = await _store.GetTranscriptAsync(id, CancellationToken.None).ConfigureAwait(false);
        if (specJson is null || transcript is null)
        {
            progress.Skip();
            return;
        }

        var plan = JsonSerializer.Deserialize(specJson, BatchJsonContext.Default.BatchConversationSpec)!;
        var resolved = plan.Seats.Select(seat => _models(seat.Model, plan.Seed)).ToList();
        var spec = ToConversationSpec(plan, [.. resolved.Select(r => r.BlankMessage)], ForkedAt(transcript));
        var live = progress.Started(id, transcript.Title, plan.Stop.MaxMessages, transcript.Messages.Count);

        // A completed message is written (and fsynced) while the next reply is already being asked for: the next request
        // needs only the text, not the disk. Writes stay in order, one at a time per conversation, and the last one is
        // awaited before the conversation is marked complete or the method returns, whatever happens.
        Task pending = Task.CompletedTask;
        try
        {
            var runner = new ConversationRunner(spec, [.. resolved.Select(r => r.Client)], _time);
            var resumeFrom = transcript.Messages.Count > 0 ? transcript : null;
            await foreach (var @event in runner.RunAsync(resumeFrom, cancellationToken).ConfigureAwait(false))
            {
                switch (@event)
                {
                    case MessageStarted started:
                        live.Start(started.Index, started.Speaker);
                        break;
                    case TextDelta delta:
                        live.Append(delta.Text);
                        break;
                    case MessageCompleted completed:
                        // Never cancelled: a message that is complete is kept, Ctrl+C or not.
                        await pending.ConfigureAwait(false);
                        pending = _store.AppendMessageAsync(id, completed.Index, completed.Message, CancellationToken.None);
                        progress.MessageCompleted(live, completed.Index, completed.Message);
                        SaveFiles(plan, runner.Transcript);
                        break;
                    case ConversationStopped stopped:
                        await pending.ConfigureAwait(false);
                        var ended = stopped.Transcript.Ended ?? _time.GetLocalNow();
                        await _store.CompleteConversationAsync(id, stopped.Stop, ended, CancellationToken.None).ConfigureAwait(false);
                        if (stopped.Stop.Reason == StopReasons.Interrupted)
                        {
                            // As the original system did: no end time until the conversation really ends.
                            stopped.Transcript.Ended = null;
                        }

                        SaveFiles(plan, stopped.Transcript);
                        progress.Stopped(live, stopped.Stop);
                        break;
                }
            }
        }
        finally
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            finally
            {
                progress.Abandoned(live);
            }
        }
    }

    private static void SaveFiles(BatchConversationSpec plan, Transcript transcript)
    {
        if (plan.MarkdownPath is { } markdown)
        {
            SeedMarkdown.WriteFile(transcript, markdown);
        }

        if (plan.JsonPath is { } json && transcript.Participants.Count == 2)
        {
            OriginalJson.WriteFile(transcript, json);
        }
    }
}
