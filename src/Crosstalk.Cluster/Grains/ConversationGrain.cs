using Crosstalk.Cluster.Coordination;
using Crosstalk.Engine;
using Crosstalk.Engine.Execution;
using Microsoft.Extensions.Logging;

namespace Crosstalk.Cluster.Grains;

/// <inheritdoc cref="IConversationGrain" />
/// <remarks>
/// A model call lasts seconds to minutes, so no grain call waits for one: <see cref="StartAsync"/> starts the engine's
/// executor on the thread pool and returns, a keep-alive timer holds the activation while it runs, and the messages
/// travel through the store. Deactivated with work in flight (its silo shuts down), it stops the conversation as
/// interrupted, so that the run grain hands it to another silo.
/// </remarks>
[Orleans.Placement.RandomPlacementAttribute]
internal sealed partial class ConversationGrain(CrosstalkEngine engine, ILocalSiloDetails silo, ILogger<ConversationGrain> logger) : Grain, IConversationGrain
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    private Task? _work;
    private CancellationTokenSource? _stop;
    private IGrainTimer? _keepAlive;

    public Task StartAsync(ConversationAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (_work is { IsCompleted: false })
        {
            return Task.CompletedTask;
        }

        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        var id = this.GetPrimaryKeyLong();
        var options = new ExecutionOptions
        {
            Budget = assignment.CostCeiling is { } ceiling
                ? new ClusterRunBudget(GrainFactory.GetGrain<IRunBudgetGrain>(assignment.RunId), ceiling, silo.SiloAddress.ToParsableString())
                : null,
            DeadOwners = assignment.DeadOwners,
        };
        var run = GrainFactory.GetGrain<IRunGrain>(assignment.RunId);
        var token = _stop.Token;
        _work = Task.Run(() => RunAsync(id, options, run, token), CancellationToken.None);
        _keepAlive ??= this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(CheckInterval, CheckInterval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _stop?.Cancel();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_work is { IsCompleted: false } work)
        {
            // The silo is shutting down: the conversation stops as interrupted (its last message stored) for another silo to go on.
            await (_stop?.CancelAsync() ?? Task.CompletedTask);
            await work.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop?.Dispose();
    }

    private async Task RunAsync(long id, ExecutionOptions options, IRunGrain run, CancellationToken cancellationToken)
    {
        try
        {
            var result = await engine.Conversations.ExecuteAsync(id, observer: null, options, cancellationToken);
            LogExecuted(logger, id, result.Outcome, result.Stop?.Reason ?? result.Detail ?? "");
        }
        catch (Exception ex)
        {
            // The store failed before it could start, or the engine broke: the conversation stays unfinished and is handed out again.
            LogFailed(logger, id, ex);
        }

        try
        {
            // Done (its stop is in the store): the run grain looks again, and is brought back if its silo died meanwhile.
            await run.PokeAsync();
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogFailed(logger, id, ex);
        }
    }

    private Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_work is { IsCompleted: true })
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {ConversationId}: {Outcome} ({Detail})")]
    private static partial void LogExecuted(ILogger logger, long conversationId, ExecutionOutcome outcome, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} failed; it stays unfinished")]
    private static partial void LogFailed(ILogger logger, long conversationId, Exception exception);
}
