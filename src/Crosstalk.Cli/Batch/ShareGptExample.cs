namespace Crosstalk.Cli.Batch;

/// <summary>One line of a ShareGPT file: <c>{"conversations":[{"from","value"}]}</c>.</summary>
internal sealed record ShareGptExample(IReadOnlyList<ShareGptTurn> Conversations);
