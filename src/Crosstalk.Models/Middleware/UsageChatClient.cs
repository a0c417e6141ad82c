using System.Text;
using Crosstalk.Conversations;
using Crosstalk.Models.Catalog;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Middleware;

/// <summary>
/// Makes sure every reply carries its token usage, as exactly one <see cref="UsageContent"/> on the last update (the
/// provider's, else estimated locally and marked with <c>AdditionalCounts["estimated"] = 1</c>) and its cost from the
/// catalog prices (<see cref="CostContent"/>). Timings are the reader's: the conversation runner measures them.
/// </summary>
internal sealed class UsageChatClient : DelegatingChatClient
{
    private readonly ModelEntry _entry;

    public UsageChatClient(IChatClient innerClient, ModelEntry entry)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entry = entry;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var response = await base.GetResponseAsync(history, options, cancellationToken);

        response.Usage = Believable(response.Usage);
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

        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        return new UsageStream(this, history, base.GetStreamingResponseAsync(history, options, cancellationToken));
    }

    private decimal? CostOf(UsageDetails? usage) =>
        usage is null ? null : _entry.Cost(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0);

    // The updates of one reply, handed on as the provider sends them plus one of its own at the end (usage and cost). Until the provider has sent its finish reason, each move is handed on as it is (InspectingEnumerator);
    // only the last one or two moves (the usage chunk and the end of the stream) are awaited here, because the end is
    // when the closing update is made.
    private sealed class UsageStream(UsageChatClient owner, IReadOnlyList<ChatMessage> history, IAsyncEnumerable<ChatResponseUpdate> updates)
        : IAsyncEnumerable<ChatResponseUpdate>
    {
        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            new Enumerator(owner, history, updates.GetAsyncEnumerator(cancellationToken));

        private sealed class Enumerator(UsageChatClient owner, IReadOnlyList<ChatMessage> history, IAsyncEnumerator<ChatResponseUpdate> inner)
            : InspectingEnumerator(inner)
        {
            private UsageDetails? _usage;
            private StringBuilder? _text;
            private StringBuilder? _reasoning;
            private string? _responseId;
            private string? _modelId;
            private bool _finished;
            private ChatResponseUpdate? _closing;

            public override ChatResponseUpdate Current => _closing ?? base.Current;

            public override ValueTask<bool> MoveNextAsync()
            {
                InspectUnread();
                if (_closing is not null)
                {
                    return new ValueTask<bool>(false);
                }

                if (!_finished)
                {
                    // A stream that ends before the finish reason is cut short, not a message: the resilience layer
                    // retries it, so there is nothing to account, and the end is handed on as it is.
                    return base.MoveNextAsync();
                }

                var next = Inner.MoveNextAsync();
                return next.IsCompletedSuccessfully ? new ValueTask<bool>(Moved(next.Result)) : MovedLaterAsync(next);
            }

            private async ValueTask<bool> MovedLaterAsync(ValueTask<bool> next) => Moved(await next);

            private bool Moved(bool moved)
            {
                if (moved)
                {
                    MarkUnread();
                }
                else
                {
                    _closing = Close();
                }

                return true;
            }

            protected override void Inspect(ChatResponseUpdate update)
            {
                _responseId ??= update.ResponseId;
                _modelId ??= update.ModelId;
                _finished |= update.FinishReason is not null;
                var parts = update.Contents;
                var usageParts = 0;
                for (var i = 0; i < parts.Count; i++)
                {
                    switch (parts[i])
                    {
                        case TextContent t when t.Text.Length > 0:
                            (_text ??= new StringBuilder()).Append(t.Text);
                            break;
                        case TextReasoningContent r when r.Text.Length > 0:
                            (_reasoning ??= new StringBuilder()).Append(r.Text);
                            break;
                        case UsageContent u:
                            _usage = Merge(_usage, u.Details);
                            usageParts++;
                            break;
                    }
                }

                // Providers report usage in pieces (Anthropic: input at the start, cumulative output at the end); the
                // caller gets one merged UsageContent at the end instead, so summing them cannot double count.
                if (usageParts > 0)
                {
                    var rest = new List<AIContent>(parts.Count - usageParts);
                    for (var i = 0; i < parts.Count; i++)
                    {
                        if (parts[i] is not UsageContent)
                        {
                            rest.Add(parts[i]);
                        }
                    }

                    update.Contents = rest;
                }
            }

            private ChatResponseUpdate Close()
            {
                var usage = Believable(_usage);
                if (usage is not { InputTokenCount: not null, OutputTokenCount: not null })
                {
                    usage = Estimate(history, _text?.ToString() ?? string.Empty, _reasoning?.ToString() ?? string.Empty, usage);
                }

                usage.TotalTokenCount = usage.InputTokenCount + usage.OutputTokenCount;
                var contents = new List<AIContent>(2) { new UsageContent(usage) };
                if (owner.CostOf(usage) is { } cost)
                {
                    contents.Add(new CostContent(cost));
                }

                return new ChatResponseUpdate(ChatRole.Assistant, contents)
                {
                    ResponseId = _responseId,
                    MessageId = _responseId,
                    ModelId = _modelId,
                };
            }
        }
    }

    /// <summary>The most tokens a reply or a request is believed to count (a thousand times any context window).</summary>
    internal const long MostTokens = 1_000_000_000;

    // A provider's counts are its word, and untrusted: a negative count, or one beyond any context (2^62, which overflowed
    // the run's total), let a reply slip past --token-budget. Such a count is taken as not sent, and estimated instead.
    private static UsageDetails? Believable(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        usage.InputTokenCount = Believable(usage.InputTokenCount);
        usage.OutputTokenCount = Believable(usage.OutputTokenCount);
        usage.ReasoningTokenCount = Believable(usage.ReasoningTokenCount);
        usage.TotalTokenCount = Believable(usage.TotalTokenCount);
        return usage;

        static long? Believable(long? count) => count is >= 0 and <= MostTokens ? count : null;
    }

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
