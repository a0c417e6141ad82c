namespace Crosstalk.Testing.FakeProviders;

/// <summary>What a fake provider answers to one request.</summary>
/// <param name="Text">The reply text.</param>
/// <param name="Reasoning">Reasoning sent apart from the text (OpenAI-compatible <c>reasoning_content</c>, Anthropic thinking), if any.</param>
/// <param name="InputTokens">Reported prompt tokens; computed from the request when null.</param>
/// <param name="OutputTokens">Reported completion tokens; the number of streamed pieces when null.</param>
/// <param name="FinishReason">The wire finish reason (<c>stop</c>/<c>end_turn</c> when null).</param>
/// <param name="ReportUsage">Whether usage is reported at all.</param>
public sealed record FakeReply(
    string Text, string? Reasoning = null, int? InputTokens = null, int? OutputTokens = null, string? FinishReason = null, bool ReportUsage = true);
