using System.Globalization;
using Crosstalk.Engine.Plans;
using Crosstalk.Studies;

namespace Crosstalk.Engine.Studies;

/// <summary>What a sweep ran: the parent, and its continuations.</summary>
public sealed record SweepResult(StudyConversation Parent, IReadOnlyList<StudyConversation> Continuations)
{
    /// <summary>How many continuations stopped on an error (counted under "error" with the endings, but no ending).</summary>
    public int Failed => Continuations.Count(c => c.Transcript.Stop?.Reason == Crosstalk.Transcripts.StopReasons.Error);
}

/// <summary>
/// A branch sweep: N forks of one stored conversation from message K, each with its own seed (the parent's + 1 … + N),
/// optionally with another model at a seat, run to their end and read back for <see cref="SweepMeasures"/>. Each fork is
/// stored like any fork (metadata <c>sweep</c> = "PARENT@K"), so an interrupted sweep's forks can be resumed one by one.
/// </summary>
public static class BranchSweep
{
    /// <summary>The metadata key that marks a sweep's forks.</summary>
    public const string SweepKey = "sweep";

    /// <summary>Runs the sweep.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="parentId">The conversation to branch.</param>
    /// <param name="at">Messages kept from it.</param>
    /// <param name="repeat">How many continuations.</param>
    /// <param name="swaps">Another model for a seat (1-based), by seat.</param>
    /// <param name="concurrency">Continuations at once.</param>
    /// <param name="progress">Told (done, total) as each ends.</param>
    /// <param name="cancellationToken">Stops the sweep; continuations in flight are recorded as interrupted.</param>
    /// <exception cref="PlanException">The conversation or the fork cannot be planned.</exception>
    public static async Task<SweepResult> RunAsync(
        CrosstalkEngine engine, long parentId, int at, int repeat, IReadOnlyDictionary<int, string> swaps, int concurrency = 4,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(swaps);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var parent = await engine.Store.GetTranscriptAsync(parentId, cancellationToken).ConfigureAwait(false)
            ?? throw new PlanException($"There is no conversation {parentId.ToString(CultureInfo.InvariantCulture)} in the {engine.Store.Description}.");
        if (swaps.Keys.Where(seat => seat < 1 || seat > parent.Participants.Count).Select(seat => (int?)seat).FirstOrDefault() is { } bad)
        {
            throw new PlanException(string.Create(CultureInfo.InvariantCulture, $"Conversation {parentId} has seats 1 to {parent.Participants.Count}; there is no seat {bad} to swap."));
        }

        var parentPlan = await engine.GetPlanAsync(parentId, cancellationToken).ConfigureAwait(false);
        var seed = parentPlan?.Seed ?? 1;
        var ids = new List<long>(repeat);
        for (var i = 1; i <= repeat; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var planned = ConversationPlanner.PlanFork(
                parentId, parent, parentPlan, new ForkRequest { At = at, Models = swaps, Seed = unchecked(seed + i) }, engine.Models, engine.Time.GetLocalNow());
            planned.Header.Metadata[SweepKey] = string.Create(CultureInfo.InvariantCulture, $"{parentId}@{at}");
            ids.Add(await engine.CreateConversationAsync(planned, cancellationToken: CancellationToken.None).ConfigureAwait(false));
        }

        var done = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = CancellationToken.None }, async (id, _) =>
        {
            await engine.Conversations.ExecuteAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
            progress?.Invoke(Interlocked.Increment(ref done), ids.Count);
        }).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var prompts = new Dictionary<string, int>(StringComparer.Ordinal);
        var parentConversation = StudyData.Of(parentId, parent, parentPlan, prompts);
        return new SweepResult(parentConversation, await StudyData.LoadAsync(engine.Store, ids, cancellationToken).ConfigureAwait(false));
    }
}
