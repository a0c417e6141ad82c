using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>Stops when any of its conditions fires; the first in order gives the reason.</summary>
internal sealed class AnyStopCondition(IReadOnlyList<IStopCondition> conditions) : StopCondition
{
    public IReadOnlyList<IStopCondition> Conditions { get; } = conditions;

    public override StopInfo? Check(ConversationState state)
    {
        foreach (var condition in Conditions)
        {
            if (condition.Check(state) is { } info)
            {
                return info;
            }
        }

        return null;
    }

    public override int? MessageLimit => Conditions.Select(c => (c as StopCondition)?.MessageLimit).Where(l => l is not null).Min();

    public override bool CountsCost => Conditions.Any(c => c is StopCondition { CountsCost: true });

    public override string ToString() => string.Join(" | ", Conditions);
}
