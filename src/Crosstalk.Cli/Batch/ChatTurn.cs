namespace Crosstalk.Cli.Batch;

/// <summary>One message of an OpenAI chat fine-tuning example.</summary>
internal sealed record ChatTurn(string Role, string Content);
