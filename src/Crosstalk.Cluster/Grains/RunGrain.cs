using Crosstalk.Engine;
using Crosstalk.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace Crosstalk.Cluster.Grains;

/// <summary>What a run grain keeps across silos: whether the run is on, and how.</summary>
[GenerateSerializer]
public sealed class RunGrainState
{
    [Id(0)]
    public string State { get; set; } = ClusterRunStates.Idle;

    [Id(1)]
    public int ConcurrencyPerSilo { get; set; } = 1;

    [Id(2)]
    public decimal? CostCeiling { get; set; }
}

/// <inheritdoc cref="IRunGrain" />
internal sealed partial class RunGrain(
    [PersistentState("run", ClusterNames.Storage)] IPersistentState<RunGrainState> state,
    CrosstalkEngine engine,
    IClusterMembershipService membership,
    IOptions<CrosstalkSiloOptions> options,
    ILogger<RunGrain> logger) : Grain, IRunGrain, IRemindable
{
    private const string Reminder = "keep-running";

    // Conversations handed to a silo whose lease is not taken yet: they count against that silo's room until it is, or
    // for this long (the silo died before taking it, say).
    private static readonly TimeSpan DispatchGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MinimumLookInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<long, (SiloAddress Silo, DateTimeOffset At)> _dispatched = [];
    private DateTimeOffset _lastTick;
    private IGrainTimer? _timer;
    private ClusterRunStatus? _last;
    private DateTimeOffset _lastStopRequest;

    private string RunId => this.GetPrimaryKeyString();

    private bool Active => state.State.State is ClusterRunStates.Running or ClusterRunStates.Stopping;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Active)
        {
            StartTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<ClusterRunStatus> StartAsync(ClusterRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var plan = await engine.Runs.GetPlanAsync(RunId);
        state.State.State = ClusterRunStates.Running;
        state.State.ConcurrencyPerSilo = Math.Max(1, settings.ConcurrencyPerSilo ?? plan.Concurrency);
        state.State.CostCeiling = settings.CostCeiling ?? plan.CostCeiling;
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(Reminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        LogStarted(logger, RunId, state.State.ConcurrencyPerSilo);
        StartTimer();
        return _last = Status(ClusterRunStates.Running);
    }

    public async Task<ClusterRunStatus> StopAsync()
    {
        if (state.State.State == ClusterRunStates.Running)
        {
            state.State.State = ClusterRunStates.Stopping;
            await state.WriteStateAsync();
            LogStopping(logger, RunId);
            await StopRunningAsync();
        }

        return _last = Status(state.State.State);
    }

    public Task<ClusterRunStatus> GetStatusAsync() => Task.FromResult(_last is { } last && last.State == state.State.State ? last : Status(state.State.State));

    public async Task PokeAsync()
    {
        // A conversation ended: its silo has room now, so the next one starts without waiting for the next tick (at
        // most a few looks a second, however many end at once).
        if (state.State.State == ClusterRunStates.Running && engine.Time.GetUtcNow() - _lastTick >= MinimumLookInterval)
        {
            await TickAsync(CancellationToken.None);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Active)
        {
            StartTimer();
        }
        else if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.Value.DispatchInterval) { KeepAlive = true });

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        _lastTick = engine.Time.GetUtcNow();
        IReadOnlyList<LeaseState> leases;
        try
        {
            leases = await engine.Store.GetUnfinishedLeasesAsync(RunId, cancellationToken);
        }
        catch (TranscriptStoreException ex)
        {
            // The store is away: the silos' conversations fail their writes and stop; this tries again at the next tick.
            _last = Status(state.State.State) with { Problem = ex.Message };
            return;
        }

        var now = engine.Time.GetUtcNow();
        var snapshot = membership.CurrentSnapshot;
        var silos = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        var dead = DeadOwners(leases, snapshot);
        var running = leases.Where(l => l.IsHeldAt(now) && !dead.Contains(l.Owner!)).ToList();
        var runningIds = running.Select(l => l.Id).ToHashSet();
        var unfinishedIds = leases.Select(l => l.Id).ToHashSet();
        foreach (var id in _dispatched.Where(d => runningIds.Contains(d.Key) || !unfinishedIds.Contains(d.Key) || now - d.Value.At > DispatchGrace).Select(d => d.Key).ToList())
        {
            _dispatched.Remove(id);
        }

        if (dead.Count > 0 && state.State.CostCeiling is not null)
        {
            await GrainFactory.GetGrain<IRunBudgetGrain>(RunId).ForgetHoldersAsync([.. dead.Select(LeaseOwners.SiloOf).OfType<string>().Distinct()]);
        }

        _last = new ClusterRunStatus
        {
            State = state.State.State,
            Unfinished = leases.Count,
            Running = running.Count,
            Silos = silos.Count,
            ConcurrencyPerSilo = state.State.ConcurrencyPerSilo,
        };

        if (leases.Count == 0)
        {
            await EndAsync(ClusterRunStates.Complete);
            return;
        }

        if (state.State.State == ClusterRunStates.Stopping)
        {
            if (running.Count == 0 && _dispatched.Count == 0)
            {
                await EndAsync(ClusterRunStates.Stopped);
            }
            else if (now - _lastStopRequest > TimeSpan.FromSeconds(5))
            {
                await StopRunningAsync();
            }

            return;
        }

        if (state.State.CostCeiling is { } ceiling && await GrainFactory.GetGrain<IRunBudgetGrain>(RunId).IsExhaustedAsync(ceiling))
        {
            // No reply fits under the ceiling any more: nothing new starts, and once the running ones have stopped the run ends.
            if (running.Count == 0 && _dispatched.Count == 0)
            {
                await EndAsync(ClusterRunStates.CostCeiling);
            }

            return;
        }

        await DispatchAsync(leases, running, silos, dead);
    }

    private async Task DispatchAsync(IReadOnlyList<LeaseState> leases, List<LeaseState> running, List<SiloAddress> silos, HashSet<string> dead)
    {
        // Room on each silo: its share of the run's concurrency less what it runs or was just handed.
        var room = silos.ToDictionary(s => s.ToParsableString(), _ => state.State.ConcurrencyPerSilo, StringComparer.Ordinal);
        foreach (var lease in running)
        {
            if (LeaseOwners.SiloOf(lease.Owner) is { } silo && room.ContainsKey(silo))
            {
                room[silo]--;
            }
        }

        foreach (var (_, (silo, _)) in _dispatched)
        {
            var key = silo.ToParsableString();
            if (room.ContainsKey(key))
            {
                room[key]--;
            }
        }

        var bySilo = silos.ToDictionary(s => s.ToParsableString(), s => s, StringComparer.Ordinal);
        var runningIds = running.Select(l => l.Id).ToHashSet();
        var assignment = new ConversationAssignment { RunId = RunId, DeadOwners = [.. dead], CostCeiling = state.State.CostCeiling };
        var now = engine.Time.GetUtcNow();
        var calls = new List<Task>();
        foreach (var lease in leases)
        {
            if (runningIds.Contains(lease.Id) || _dispatched.ContainsKey(lease.Id))
            {
                continue;
            }

            var (target, free) = room.MaxBy(r => r.Value);
            if (free <= 0)
            {
                break;
            }

            room[target] = free - 1;
            var silo = bySilo[target];
            _dispatched[lease.Id] = (silo, now);

            // Orleans' random placement honours a hint: the conversation's grain is activated on the silo with the most room.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            calls.Add(GrainFactory.GetGrain<IConversationGrain>(lease.Id).StartAsync(assignment));
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        if (calls.Count > 0)
        {
            try
            {
                await Task.WhenAll(calls);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException or SiloUnavailableException)
            {
                // A silo went away while taking its share: those conversations are handed out again after the grace.
                LogDispatchFailed(logger, RunId, ex.Message);
            }
        }
    }

    private HashSet<string> DeadOwners(IReadOnlyList<LeaseState> leases, ClusterMembershipSnapshot snapshot)
    {
        var dead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var owner in leases.Select(l => l.Owner).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (LeaseOwners.IsDeadOnThisMachine(owner)
                || (LeaseOwners.SiloOf(owner) is { } silo && SiloAddress.TryParse(silo, out var address) && snapshot.GetSiloStatus(address) == SiloStatus.Dead))
            {
                dead.Add(owner);
            }
        }

        return dead;
    }

    private async Task StopRunningAsync()
    {
        _lastStopRequest = engine.Time.GetUtcNow();
        IReadOnlyList<LeaseState> leases;
        try
        {
            leases = await engine.Store.GetUnfinishedLeasesAsync(RunId);
        }
        catch (TranscriptStoreException)
        {
            return;
        }

        var ids = leases.Where(l => l.Owner is not null).Select(l => l.Id).Concat(_dispatched.Keys).Distinct();
        try
        {
            await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IConversationGrain>(id).StopAsync()));
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogDispatchFailed(logger, RunId, ex.Message);
        }
    }

    private async Task EndAsync(string outcome)
    {
        state.State.State = outcome;
        await state.WriteStateAsync();
        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _timer?.Dispose();
        _timer = null;
        _dispatched.Clear();
        _last = (_last ?? Status(outcome)) with { State = outcome, Running = 0 };
        LogEnded(logger, RunId, outcome);
    }

    private ClusterRunStatus Status(string current) => new()
    {
        State = current,
        Unfinished = _last?.Unfinished ?? 0,
        Running = _last?.Running ?? 0,
        Silos = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active),
        ConcurrencyPerSilo = state.State.ConcurrencyPerSilo,
        Problem = _last?.Problem,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId}: started, {Concurrency} conversations at once per silo")]
    private static partial void LogStarted(ILogger logger, string runId, int concurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId}: stopping")]
    private static partial void LogStopping(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId}: {Outcome}")]
    private static partial void LogEnded(ILogger logger, string runId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: conversations not handed out ({Reason}); they are handed out again")]
    private static partial void LogDispatchFailed(ILogger logger, string runId, string reason);
}
