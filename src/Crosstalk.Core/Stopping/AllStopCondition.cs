using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// Stops once every condition has fired, not necessarily on the same message (AutoGen's <c>&amp;</c>). The
/// condition that completes the set gives the reason; the detail names the others.
/// </summary>
internal sealed class AllStopCondition(IReadOnlyList<IStopCondition> conditions) : StopCondition
{
    public IReadOnlyList<IStopCondition> Conditions { get; } = conditions;

    public override bool CountsCost => Conditions.Any(c => c is StopCondition { CountsCost: true });

    public override StopInfo? Check(ConversationState state)
    {
        StopInfo? latest = null;
        var all = true;
        foreach (var condition in Conditions)
        {
            if (condition.Check(state) is { } info)
            {
                state.MarkReached(condition, info);
                latest = info;
            }
            else if (!state.HasReached(condition, out _))
            {
                all = false;
            }
        }

        if (!all)
        {
            return null;
        }

        if (latest is null)
        {
            // Every condition fired earlier but none now: the set completed on an earlier message already.
            return null;
        }

        var details = new List<string>(Conditions.Count);
        foreach (var condition in Conditions)
        {
            if (state.HasReached(condition, out var info) && info?.Detail is { } detail)
            {
                details.Add(detail);
            }
        }

        return latest with { Detail = string.Join(" ", details) };
    }

    public override string ToString() => string.Join(" & ", Conditions);
}
