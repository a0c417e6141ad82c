using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// What every offline agent shares: how a finished reply is streamed (one update per word, so a terminal
/// shows it arriving), how usage is estimated, and how the end token is found in the system prompt.
/// </summary>
internal static partial class OfflineStreaming
{
    /// <summary>The end token used when the system prompt names none.</summary>
    public const string DefaultEndToken = "[END]";

    /// <summary>Streams <paramref name="text"/> word by word; the chunks concatenate to the exact text.</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        string modelId,
        string text,
        string? reasoning,
        UsageDetails? usage,
        ChatFinishReason finishReason,
        TimeSpan tokenDelay,
        TimeProvider timeProvider,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!string.IsNullOrEmpty(reasoning))
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent(reasoning)])
            {
                ModelId = modelId,
                CreatedAt = timeProvider.GetUtcNow(),
            };
        }

        foreach (var chunk in SplitWords(text))
        {
            if (tokenDelay > TimeSpan.Zero)
            {
                await Task.Delay(tokenDelay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk)
            {
                ModelId = modelId,
                CreatedAt = timeProvider.GetUtcNow(),
            };
        }

        cancellationToken.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate(ChatRole.Assistant, usage is null ? [] : [new UsageContent(usage)])
        {
            ModelId = modelId,
            FinishReason = finishReason,
            CreatedAt = timeProvider.GetUtcNow(),
        };
    }

    /// <summary>
    /// Splits text into word chunks that keep their following whitespace (leading whitespace is a chunk of
    /// its own), so that joining the chunks gives back the text byte for byte.
    /// </summary>
    public static IEnumerable<string> SplitWords(string text)
    {
        foreach (Match match in WordChunk().Matches(text))
        {
            yield return match.Value;
        }
    }

    /// <summary>Word counts stand in for tokens: offline agents have no tokenizer and need none.</summary>
    public static UsageDetails EstimateUsage(IEnumerable<ChatMessage> history, string reply)
    {
        long input = 0;
        foreach (var message in history)
        {
            input += CountWords(message.Text);
        }

        long output = CountWords(reply);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    public static int CountWords(string? text) => string.IsNullOrEmpty(text) ? 0 : NonSpace().Count(text);

    /// <summary>
    /// The bracketed codeword the system prompt tells the agent to end with (e.g. <c>[END]</c>), so offline
    /// agents obey the same convention as the models they stand in for.
    /// </summary>
    public static string FindEndToken(IEnumerable<ChatMessage> history, ChatOptions? options)
    {
        foreach (var message in history)
        {
            if (message.Role == ChatRole.System && EndTokenPattern().Match(message.Text) is { Success: true } match)
            {
                return match.Value;
            }
        }

        if (options?.Instructions is { } instructions && EndTokenPattern().Match(instructions) is { Success: true } fromOptions)
        {
            return fromOptions.Value;
        }

        return DefaultEndToken;
    }

    /// <summary>The text of the last message from the other side, or null when there is none.</summary>
    public static string? LastUserText(IReadOnlyList<ChatMessage> history)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role == ChatRole.User)
            {
                return history[i].Text;
            }
        }

        return null;
    }

    /// <summary>Metadata and self lookups, the way every <see cref="IChatClient"/> answers them.</summary>
    public static object? GetService(IChatClient client, ChatClientMetadata metadata, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return metadata;
        }

        return serviceType.IsInstanceOfType(client) ? client : null;
    }

    [GeneratedRegex(@"\S+\s*|\s+")]
    private static partial Regex WordChunk();

    [GeneratedRegex(@"\S+")]
    private static partial Regex NonSpace();

    [GeneratedRegex(@"\[[A-Z][A-Z0-9_\-]*\]")]
    private static partial Regex EndTokenPattern();
}
