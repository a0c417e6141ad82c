using System.Collections.Concurrent;
using System.Globalization;
using Crosstalk.Engine;
using Crosstalk.Engine.Plans;
using Crosstalk.Models.Offline;

namespace Crosstalk.Web.Live;

/// <summary>
/// The conversations this server runs, started from its live page: planned and stored by the engine, then run by it in
/// the background. What they say reaches the page through the store, as for a conversation any other process runs; this
/// keeps only what it needs to stop them, and forgets each once it has stopped.
/// </summary>
internal sealed class LiveSessions(CrosstalkEngine engine, IReadOnlyList<string> models) : IAsyncDisposable
{
    private readonly HashSet<string> _models = new(models, StringComparer.Ordinal);

    private readonly ConcurrentDictionary<long, Running> _running = new();

    /// <summary>Whether this server runs conversation <paramref name="conversationId"/> now.</summary>
    public bool IsRunningHere(long conversationId) => _running.ContainsKey(conversationId);

    /// <summary>Plans the conversation (or fork), stores it with its plan and starts it; returns its id.</summary>
    /// <exception cref="PlanException">The request cannot be run; the message says why, for the page.</exception>
    /// <exception cref="Engine.Models.ModelResolutionException">A seat's model cannot be used.</exception>
    public async Task<long> StartAsync(LiveRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Seats.Any(s => string.IsNullOrWhiteSpace(s.Model)))
        {
            var missing = request.Seats.Select((s, i) => (s, i)).First(x => string.IsNullOrWhiteSpace(x.s.Model)).i + 1;
            throw new PlanException(string.Create(CultureInfo.InvariantCulture, $"Seat {missing} has no model."));
        }

        var policy = string.IsNullOrWhiteSpace(request.StopPolicy) ? "end-token" : request.StopPolicy.Trim();
        PlannedConversation planned;
        var now = engine.Time.GetLocalNow();
        if (request.ForkOf is { } parentId)
        {
            var parent = await engine.Store.GetTranscriptAsync(parentId, cancellationToken).ConfigureAwait(false)
                ?? throw new PlanException($"There is no conversation {parentId.ToString(CultureInfo.InvariantCulture)} to fork.");
            if (request.ForkAt is not { } at || at < 1)
            {
                throw new PlanException($"A fork keeps between 1 and {parent.Messages.Count.ToString(CultureInfo.InvariantCulture)} messages of conversation {parentId.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (request.Seats.Count != parent.Participants.Count)
            {
                throw new PlanException($"The fork needs one model for each of the {parent.Participants.Count.ToString(CultureInfo.InvariantCulture)} seats.");
            }

            // A seat whose model is what it was keeps its seat as it was (name, prompt); another model takes the seat over.
            var models = new Dictionary<int, string>();
            for (var i = 0; i < request.Seats.Count; i++)
            {
                if (!string.Equals(request.Seats[i].Model.Trim(), parent.Participants[i].Model, StringComparison.Ordinal))
                {
                    // A seat kept as it was may go on with the parent's model; a new one comes from the page's list.
                    models[i + 1] = Offered(request.Seats[i].Model.Trim(), i + 1);
                }
            }

            var parentPlan = await engine.GetPlanAsync(parentId, cancellationToken).ConfigureAwait(false);
            planned = ConversationPlanner.PlanFork(parentId, parent, parentPlan, new ForkRequest { At = at, Models = models, StopPolicy = policy }, engine.Models, now);
        }
        else
        {
            planned = ConversationPlanner.PlanConversation(
                new ConversationRequest
                {
                    Seats = [.. request.Seats.Select((s, i) => new SeatRequest(Offered(s.Model.Trim(), i + 1), s.Name, s.SystemPrompt))],
                    Opener = string.IsNullOrWhiteSpace(request.Opener) ? null : request.Opener,
                    Seed = Random.Shared.Next(1, 100_000),
                    StopPolicy = policy,
                },
                engine.Models,
                now);
        }

        var id = await engine.CreateConversationAsync(planned, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        var stop = new CancellationTokenSource();
        var running = new Running(stop);
        _running[id] = running;
        running.Task = Task.Run(async () =>
        {
            try
            {
                await engine.Conversations.ExecuteAsync(id, observer: null, cancellationToken: stop.Token).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(id, out _);
                stop.Dispose();
            }
        });
        return id;
    }

    /// <summary>Asks a conversation this server runs to stop (it is recorded as interrupted); waits up to <paramref name="wait"/> for it.</summary>
    public async Task StopAsync(long conversationId, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!_running.TryGetValue(conversationId, out var running))
        {
            return;
        }

        running.RequestStop();
        try
        {
            await running.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The page shows it when it happens.
        }
    }

    /// <summary>
    /// Only what the page offers: the offline agents and the catalog's names. A replay would read any path the form gave
    /// the server, and any other reference would spend on, or reach, what its owner did not configure.
    /// </summary>
    private string Offered(string model, int seat)
    {
        if (OfflineAgents.IsReplay(model))
        {
            throw new PlanException(string.Create(
                CultureInfo.InvariantCulture,
                $"Seat {seat}: the live page does not replay files; replay a transcript with 'crosstalk run --a replay:FILE#SEAT', or fork a stored conversation here."));
        }

        return _models.Contains(model)
            ? model
            : throw new PlanException(string.Create(
                CultureInfo.InvariantCulture,
                $"Seat {seat}: the live page runs the offline agents and the model catalog's names only (the list under the field); add a model to the catalog given to 'crosstalk serve --models' to use it here."));
    }

    public async ValueTask DisposeAsync()
    {
        var all = _running.Values.ToList();
        foreach (var running in all)
        {
            running.RequestStop();
        }

        foreach (var running in all)
        {
            try
            {
                await running.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The store may be gone already; the conversation stays unfinished and can be resumed.
            }
        }
    }

    private sealed class Running(CancellationTokenSource stop)
    {
        public Task Task { get; set; } = Task.CompletedTask;

        public void RequestStop()
        {
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }
    }
}
