namespace Crosstalk.Cli.Batch;

/// <summary>One line of an OpenAI chat fine-tuning file: <c>{"messages":[{"role","content"}]}</c>.</summary>
internal sealed record ChatExample(IReadOnlyList<ChatTurn> Messages);
