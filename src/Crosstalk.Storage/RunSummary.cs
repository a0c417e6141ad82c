namespace Crosstalk.Storage;

/// <summary>A run with its totals, as listed.</summary>
/// <param name="Id">The run id.</param>
/// <param name="ExperimentName">The experiment it executed.</param>
/// <param name="Started">When it started.</param>
/// <param name="Conversations">How many conversations it has.</param>
/// <param name="Finished">How many of them completed (not counting interrupted ones).</param>
/// <param name="Messages">How many messages they hold together.</param>
/// <param name="TotalTokens">Input plus output tokens over all messages.</param>
/// <param name="TotalCost">Cost in US dollars over the messages whose cost is known; <see langword="null"/> when none is.</param>
public sealed record RunSummary(
    string Id,
    string ExperimentName,
    DateTimeOffset Started,
    long Conversations,
    long Finished,
    long Messages,
    long TotalTokens,
    decimal? TotalCost);
