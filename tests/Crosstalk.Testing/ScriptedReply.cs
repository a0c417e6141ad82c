using Microsoft.Extensions.AI;

namespace Crosstalk.Testing;

/// <summary>One reply a <see cref="ScriptedChatClient"/> gives: text streamed word by word, and optionally more.</summary>
public sealed class ScriptedReply
{
    /// <summary>The visible text (streamed in chunks that concatenate to exactly this).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Reasoning sent as <see cref="TextReasoningContent"/> before the text.</summary>
    public string? Reasoning { get; init; }

    /// <summary>Usage sent as <see cref="UsageContent"/> after the text.</summary>
    public UsageDetails? Usage { get; init; }

    /// <summary>Extra contents streamed before the text (attempts, costs, …).</summary>
    public IReadOnlyList<AIContent> Extra { get; init; } = [];

    /// <summary>The finish reason on the last update.</summary>
    public string? FinishReason { get; init; } = "stop";

    /// <summary>Thrown when the reply is requested, after <see cref="TextBeforeFailure"/> has streamed.</summary>
    public Exception? Throw { get; init; }

    /// <summary>Text streamed before <see cref="Throw"/> or before waiting for cancellation.</summary>
    public string? TextBeforeFailure { get; init; }

    /// <summary>When true, the reply never completes: it waits until the request is cancelled.</summary>
    public bool WaitForCancellation { get; init; }

    /// <summary>When set, each chunk is streamed as one update; otherwise the text is split after each run of white space.</summary>
    public IReadOnlyList<string>? Chunks { get; init; }

    /// <summary>Called when the reply starts streaming (for example to advance a fake clock).</summary>
    public Action? OnStart { get; init; }

    /// <summary>Called before each chunk after the first (for example to advance a fake clock).</summary>
    public Action? BetweenChunks { get; init; }

    public static implicit operator ScriptedReply(string text) => new() { Text = text };

    /// <summary>A reply with this text.</summary>
    public static ScriptedReply FromText(string text) => new() { Text = text };

    /// <summary>Splits text into words, each with the white space after it, so the pieces concatenate to the text.</summary>
    public static IReadOnlyList<string> SplitWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && (i + 1 == text.Length || !char.IsWhiteSpace(text[i + 1])))
            {
                chunks.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            chunks.Add(text[start..]);
        }

        return chunks;
    }
}
