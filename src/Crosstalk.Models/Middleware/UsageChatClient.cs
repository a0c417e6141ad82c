using System.Runtime.CompilerServices;
using System.Text;
using Crosstalk.Conversations;
using Crosstalk.Models.Catalog;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Makes sure every reply carries its token usage, as exactly one <see cref="UsageContent"/> on the last update (the
/// provider's, else estimated locally and marked with <c>AdditionalCounts["estimated"] = 1</c>), its cost from the catalog prices (<see cref="CostContent"/>), and its
/// time to first token and total latency (<see cref="ChatUpdateKeys"/>).
/// </summary>
internal sealed class UsageChatClient : DelegatingChatClient
{
    private readonly ModelEntry _entry;
    private readonly TimeProvider _time;

    public UsageChatClient(IChatClient innerClient, ModelEntry entry, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entry = entry;
        _time = timeProvider ?? TimeProvider.System;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var started = _time.GetTimestamp();
        var response = await base.GetResponseAsync(history, options, cancellationToken);
        var latency = _time.GetElapsedTime(started);

        if (response.Usage is not { InputTokenCount: not null, OutputTokenCount: not null })
        {
            var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
            response.Usage = Estimate(history, response.Text, reasoning, response.Usage);
        }

        var message = response.Messages.LastOrDefault();
        if (message is null)
        {
            message = new ChatMessage(ChatRole.Assistant, []);
            response.Messages.Add(message);
        }

        if (CostOf(response.Usage) is { } cost)
        {
            message.Contents.Add(new CostContent(cost));
        }

        response.AdditionalProperties ??= [];
        response.AdditionalProperties[ChatUpdateKeys.Latency] = latency;
        response.AdditionalProperties[ChatUpdateKeys.TimeToFirstToken] = latency;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var started = _time.GetTimestamp();
        TimeSpan? firstToken = null;
        UsageDetails? usage = null;
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? responseId = null;
        string? modelId = null;
        var finished = false;

        await foreach (var update in base.GetStreamingResponseAsync(history, options, cancellationToken).WithCancellation(cancellationToken))
        {
            responseId ??= update.ResponseId;
            modelId ??= update.ModelId;
            finished |= update.FinishReason is not null;
            var parts = update.Contents;
            var hasUsage = false;
            for (var i = 0; i < parts.Count; i++)
            {
                switch (parts[i])
                {
                    case TextContent t when t.Text.Length > 0:
                        firstToken ??= _time.GetElapsedTime(started);
                        text.Append(t.Text);
                        break;
                    case TextReasoningContent r when r.Text.Length > 0:
                        firstToken ??= _time.GetElapsedTime(started);
                        reasoning.Append(r.Text);
                        break;
                    case UsageContent u:
                        usage = Merge(usage, u.Details);
                        hasUsage = true;
                        break;
                }
            }

            // Providers report usage in pieces (Anthropic: input at the start, cumulative output at the end); the caller
            // gets one merged UsageContent at the end instead, so summing them cannot double count.
            if (hasUsage)
            {
                update.Contents = parts.Where(c => c is not UsageContent).ToList();
            }

            yield return update;
        }

        if (!finished)
        {
            // A stream cut short is not a message; the resilience layer retries it, so there is nothing to account yet.
            yield break;
        }

        if (usage is not { InputTokenCount: not null, OutputTokenCount: not null })
        {
            usage = Estimate(history, text.ToString(), reasoning.ToString(), usage);
        }

        usage.TotalTokenCount = usage.InputTokenCount + usage.OutputTokenCount;
        var contents = new List<AIContent> { new UsageContent(usage) };

        if (CostOf(usage) is { } cost)
        {
            contents.Add(new CostContent(cost));
        }

        var latency = _time.GetElapsedTime(started);
        yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = modelId,
            AdditionalProperties = new()
            {
                [ChatUpdateKeys.TimeToFirstToken] = firstToken ?? latency,
                [ChatUpdateKeys.Latency] = latency,
            },
        };
    }

    private decimal? CostOf(UsageDetails? usage) =>
        usage is null ? null : _entry.Cost(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0);

    private static UsageDetails Estimate(IReadOnlyList<ChatMessage> history, string text, string reasoning, UsageDetails? partial)
    {
        var details = new UsageDetails
        {
            InputTokenCount = partial?.InputTokenCount ?? TokenEstimator.Count(history),
            OutputTokenCount = partial?.OutputTokenCount ?? (TokenEstimator.Count(text) + TokenEstimator.Count(reasoning)),
            AdditionalCounts = partial?.AdditionalCounts is { } counts ? new(counts) : [],
        };
        details.TotalTokenCount = details.InputTokenCount + details.OutputTokenCount;
        details.AdditionalCounts[ChatUpdateKeys.Estimated] = 1;
        return details;
    }

    // Anthropic reports input tokens at the start and output tokens at the end; keep the latest value of each.
    private static UsageDetails Merge(UsageDetails? current, UsageDetails next)
    {
        if (current is null)
        {
            return next;
        }

        current.InputTokenCount = next.InputTokenCount ?? current.InputTokenCount;
        current.OutputTokenCount = next.OutputTokenCount ?? current.OutputTokenCount;
        current.TotalTokenCount = next.TotalTokenCount ?? current.TotalTokenCount;
        current.ReasoningTokenCount = next.ReasoningTokenCount ?? current.ReasoningTokenCount;
        return current;
    }
}
