namespace Crosstalk.Cli.Batch;

/// <summary>One message of a ShareGPT example: <c>from</c> is system, human or gpt.</summary>
internal sealed record ShareGptTurn(string From, string Value);
