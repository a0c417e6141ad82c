using System.Globalization;
using Crosstalk.Conversations;
using Crosstalk.Engine.Analysis;
using Crosstalk.Engine.Budgets;
using Crosstalk.Engine.Models;
using Crosstalk.Engine.Plans;
using Crosstalk.Engine.Recording;
using Crosstalk.Stopping;
using Crosstalk.Storage;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Engine.Execution;

/// <summary>
/// The one executor: continues conversation N from its stored plan and messages until it stops. It takes the
/// conversation's lease first (so no two processes run it), resolves each seat's model with the plan's seed, runs the
/// conversation and records every event through the recorder. Whoever started the conversation — <c>crosstalk run</c>, a
/// batch, a fork, the live page, a silo — this is what runs it, and what resumes it.
/// </summary>
public sealed class ConversationExecutor
{
    private readonly ITranscriptStore _store;
    private readonly IModelResolver _models;
    private readonly LeaseKeeper _leases;
    private readonly LiveTextWriter _live;
    private readonly StoredAnalyses? _analyses;
    private readonly TimeProvider _time;

    internal ConversationExecutor(ITranscriptStore store, IModelResolver models, LeaseKeeper leases, LiveTextWriter live, StoredAnalyses? analyses, TimeProvider time)
    {
        _store = store;
        _models = models;
        _leases = leases;
        _live = live;
        _analyses = analyses;
        _time = time;
    }

    /// <summary>Runs the conversation from where it stands until it stops; <paramref name="cancellationToken"/> stops it as interrupted.</summary>
    /// <exception cref="TranscriptStoreException">The store failed before the conversation could start.</exception>
    public async Task<ExecutionResult> ExecuteAsync(
        long conversationId, RunObserver? observer = null, ExecutionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var status = await _store.GetLiveStatusAsync(conversationId, cancellationToken);
        if (status is null)
        {
            return new ExecutionResult(ExecutionOutcome.NotFound, Detail: $"There is no conversation {Id(conversationId)} in the {_store.Description}.");
        }

        if (status.Stop is { Reason: not StopReasons.Interrupted } done)
        {
            return new ExecutionResult(ExecutionOutcome.AlreadyFinished, done, Detail: $"Conversation {Id(conversationId)} has already ended ({done.Reason}).");
        }

        return await ExecuteAsync(conversationId, status.Lease.Owner, observer, options ?? new ExecutionOptions(), cancellationToken);
    }

    /// <summary>Runs a conversation whose current lease holder (if any) the caller has already read.</summary>
    internal async Task<ExecutionResult> ExecuteAsync(
        long conversationId, string? currentOwner, RunObserver? observer, ExecutionOptions options, CancellationToken cancellationToken)
    {
        if (await _leases.TryAcquireAsync(conversationId, currentOwner, options.DeadOwners, CancellationToken.None) is not { } lost)
        {
            return new ExecutionResult(ExecutionOutcome.HeldElsewhere, Detail: $"Conversation {Id(conversationId)} is running in another process ({currentOwner ?? "just taken"}).");
        }

        var released = false;
        try
        {
            var specJson = await _store.GetConversationSpecAsync(conversationId, CancellationToken.None);
            var transcript = await _store.GetTranscriptAsync(conversationId, CancellationToken.None);
            if (transcript is null)
            {
                return new ExecutionResult(ExecutionOutcome.NotFound, Detail: $"There is no conversation {Id(conversationId)} in the {_store.Description}.");
            }

            if (specJson is null)
            {
                return new ExecutionResult(
                    ExecutionOutcome.NoPlan,
                    Transcript: transcript,
                    Detail: $"Conversation {Id(conversationId)} was stored without a plan (an import), so it cannot be continued; 'crosstalk fork {Id(conversationId)} --at {transcript.Messages.Count}' goes on from it.");
            }

            var plan = PlanJson.ReadConversation(specJson, $"Conversation {Id(conversationId)}");
            var result = await RunAsync(conversationId, plan, transcript, lost, observer, options, cancellationToken);
            released = result.Outcome == ExecutionOutcome.Stopped;
            return result;
        }
        finally
        {
            // A stored stop released the lease with it; otherwise it is given back (or, if the store is away, it expires).
            await _leases.ReleaseAsync(conversationId, giveBack: !released);
        }
    }

    private async Task<ExecutionResult> RunAsync(
        long conversationId, ConversationPlan plan, Transcript transcript, CancellationToken lost, RunObserver? observer, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var stopCondition = StopConditions.Parse(plan.StopPolicy);
        observer?.ConversationStarted(conversationId, transcript.Title, transcript.Messages.Count, (stopCondition as StopCondition)?.MessageLimit);
        var recorder = new ConversationRecorder(_store, conversationId, plan, _live, _time);
        if (recorder.MarkdownLeftAsItWas is { } markdown)
        {
            observer?.Warning(conversationId, markdown);
        }

        ConversationRunner runner;
        try
        {
            var clients = new List<IChatClient>(plan.Seats.Count);
            var seats = new List<SeatSpec>(plan.Seats.Count);
            foreach (var seat in plan.Seats)
            {
                var resolved = _models.Resolve(seat.Model, plan.Seed);
                clients.Add(options.Budget is { } budget ? new BudgetChatClient(resolved.Client, budget) : resolved.Client);
                seats.Add(new SeatSpec
                {
                    Name = seat.Name,
                    Model = seat.Model,
                    SystemPrompt = seat.SystemPrompt,
                    BlankMessageReplacement = seat.BlankMessage ?? resolved.BlankMessage,
                    Options = seat.Temperature is null && seat.MaxTokens is null ? null : new ChatOptions { Temperature = seat.Temperature, MaxOutputTokens = seat.MaxTokens },
                });
            }

            var spec = new ConversationSpec
            {
                Seats = seats,
                Opener = plan.Opener,
                FirstSeat = plan.FirstSeat,
                EndToken = plan.EndToken,
                Stop = stopCondition,
                Title = transcript.Title,
                ForkedAt = plan.ForkedAt > 0 ? plan.ForkedAt : ForkedAt(transcript),
            };
            runner = new ConversationRunner(spec, clients, _time);
        }
        catch (ModelResolutionException ex)
        {
            // A model that cannot be used (a key that went missing) ends this conversation as an error that
            // 'resume --retry-failed' takes up again once it is fixed; the others of a run go on.
            var stop = new StopInfo(StopReasons.Error, Detail: ex.Message);
            await recorder.StopBeforeRunningAsync(stop);
            observer?.ConversationStopped(conversationId, stop);
            return new ExecutionResult(ExecutionOutcome.Stopped, stop, transcript);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lost);
        try
        {
            var resumeFrom = transcript.Messages.Count > 0 ? transcript : null;
            await foreach (var @event in runner.RunAsync(resumeFrom, linked.Token))
            {
                if (lost.IsCancellationRequested)
                {
                    break;
                }

                switch (@event)
                {
                    case MessageStarted started:
                        _live.Start(conversationId, started.Index, started.Seat, started.Speaker);
                        break;
                    case TextDelta delta:
                        _live.Append(conversationId, delta.Text);
                        break;
                    case MessageRestarted:
                        _live.Restart(conversationId);
                        break;
                    case MessageCompleted completed:
                        await recorder.AppendAsync(completed, runner.Transcript);
                        break;
                    case ConversationStopped stopped:
                        await recorder.StopAsync(stopped);
                        if (_analyses is not null && stopped.Stop.Reason != StopReasons.Interrupted)
                        {
                            await _analyses.TrySaveAsync(conversationId, stopped.Transcript, cancellationToken: CancellationToken.None);
                        }

                        observer?.ConversationEvent(conversationId, @event);
                        observer?.ConversationStopped(conversationId, stopped.Stop);
                        return new ExecutionResult(ExecutionOutcome.Stopped, stopped.Stop, stopped.Transcript);
                }

                observer?.ConversationEvent(conversationId, @event);
            }

            await recorder.DrainAsync();
            _live.Remove(conversationId);
            var reason = $"Conversation {Id(conversationId)} was taken over by another process after this one stalled past its lease.";
            observer?.ConversationAbandoned(conversationId, reason);
            return new ExecutionResult(ExecutionOutcome.LeaseLost, Transcript: runner.Transcript, Detail: reason);
        }
        catch (TranscriptStoreException ex)
        {
            _live.Remove(conversationId);
            await recorder.DrainQuietlyAsync();
            observer?.ConversationAbandoned(conversationId, ex.Message);
            return new ExecutionResult(ExecutionOutcome.StoreFailed, Transcript: runner.Transcript, Detail: ex.Message);
        }
    }

    // How many messages a fork planned by an earlier version copied from its parent.
    private static int ForkedAt(Transcript transcript) =>
        transcript.Metadata.TryGetValue(StoreMetadataKeys.ForkedAt, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var kept) ? kept : 0;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
