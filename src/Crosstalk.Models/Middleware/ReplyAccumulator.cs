using System.Text;
using Crosstalk.Conversations;
using Crosstalk.Transcripts;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Reads the updates of one streamed reply the way the middleware means them: text and reasoning kept apart, everything
/// before a <see cref="ChatUpdateKeys.Restart"/> discarded, failed attempts, usage, cost and timings collected — and
/// turns them into a <see cref="TranscriptMessage"/>.
/// </summary>
public sealed class ReplyAccumulator
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<Attempt> _attempts = [];

    /// <summary>The reply text so far (of the current attempt).</summary>
    public string Text => _text.ToString();

    /// <summary>The reasoning so far, or null when there is none.</summary>
    public string? Reasoning => _reasoning.Length == 0 ? null : _reasoning.ToString();

    /// <summary>Failed attempts, in order.</summary>
    public IReadOnlyList<Attempt> Attempts => _attempts;

    /// <summary>Token usage, once reported.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>Cost in US dollars, once known.</summary>
    public decimal? Cost { get; private set; }

    /// <summary>The provider's finish reason.</summary>
    public string? FinishReason { get; private set; }

    /// <summary>Time to the first token.</summary>
    public TimeSpan? TimeToFirstToken { get; private set; }

    /// <summary>Time to the end of the reply.</summary>
    public TimeSpan? Latency { get; private set; }

    /// <summary>What a blank message was sent as, when one was replaced.</summary>
    public string? SentAs { get; private set; }

    /// <summary>Takes in one update.</summary>
    /// <returns>True when the update restarted the reply (what was shown of it so far must be withdrawn).</returns>
    public bool Add(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var restarted = false;
        if (update.AdditionalProperties is { } properties)
        {
            if (properties.TryGetValue(ChatUpdateKeys.Restart, out var restart) && restart is true)
            {
                _text.Clear();
                _reasoning.Clear();
                FinishReason = null;
                restarted = true;
            }

            if (properties.TryGetValue(ChatUpdateKeys.TimeToFirstToken, out var ttft) && ttft is TimeSpan first)
            {
                TimeToFirstToken = first;
            }

            if (properties.TryGetValue(ChatUpdateKeys.Latency, out var latency) && latency is TimeSpan total)
            {
                Latency = total;
            }

            if (properties.TryGetValue(ChatUpdateKeys.BlankSentAs, out var sentAs) && sentAs is string text)
            {
                SentAs = text;
            }
        }

        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextReasoningContent reasoning:
                    _reasoning.Append(reasoning.Text);
                    break;
                case TextContent text:
                    _text.Append(text.Text);
                    break;
                case AttemptContent attempt:
                    _attempts.Add(attempt.Attempt);
                    break;
                case CostContent cost:
                    Cost = cost.Usd;
                    break;
                case UsageContent usage:
                    Usage = new TokenUsage(
                        usage.Details.InputTokenCount ?? 0,
                        usage.Details.OutputTokenCount ?? 0,
                        usage.Details.ReasoningTokenCount,
                        usage.Details.AdditionalCounts?.ContainsKey(ChatUpdateKeys.Estimated) == true);
                    break;
            }
        }

        if (update.FinishReason is { } finish)
        {
            FinishReason = finish.Value;
        }

        return restarted;
    }

    /// <summary>The message as a transcript records it.</summary>
    public TranscriptMessage ToMessage(int seat, string speaker, DateTimeOffset? timestamp = null) => new()
    {
        Seat = seat,
        Speaker = speaker,
        Content = Text,
        Reasoning = Reasoning,
        Timestamp = timestamp,
        Usage = Usage,
        Cost = Cost,
        Latency = Latency,
        TimeToFirstToken = TimeToFirstToken,
        FinishReason = FinishReason,
        Attempts = _attempts.ToList(),
    };
}
