using Crosstalk.Experiments;

namespace Crosstalk.Cli.Batch;

/// <summary>The stop settings of a planned conversation, in a shape that round-trips through JSON.</summary>
internal sealed record BatchStop(int MaxMessages, string EndToken, string EndPolicy, IReadOnlyList<string> Guards, double? TimeLimitSeconds, long? TokenBudget, decimal? CostBudget)
{
    public static BatchStop From(StopSettings settings) => new(
        settings.MaxMessages,
        settings.EndToken,
        settings.EndPolicy,
        settings.Guards,
        settings.TimeLimit?.TotalSeconds,
        settings.TokenBudget,
        settings.CostBudget);

    public StopSettings ToSettings() => new()
    {
        MaxMessages = MaxMessages,
        EndToken = EndToken,
        EndPolicy = EndPolicy,
        Guards = Guards,
        TimeLimit = TimeLimitSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        TokenBudget = TokenBudget,
        CostBudget = CostBudget,
    };
}
