using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Microsoft.Extensions.AI.OpenAI reads reasoning from <c>reasoning_content</c> (DeepSeek, Moonshot, vLLM); OpenRouter
/// and some others send it as <c>reasoning</c>. This picks that field up too, so reasoning never lands in, or vanishes
/// from, a message's content. And a refusal OpenAI sends in its own field (<c>refusal</c>, beside an empty
/// <c>content</c>) is what the model said: it is the message's text, not dropped (a red-teamer's run is about them).
/// </summary>
internal sealed class OpenAIReasoningChatClient : DelegatingChatClient
{
    public OpenAIReasoningChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        if (response.RawRepresentation is ChatCompletion { Refusal: { Length: > 0 } refusal }
            && response.Text.Length == 0
            && response.Messages.LastOrDefault() is { } refused)
        {
            refused.Contents.Add(new TextContent(refusal));
        }

        if (response.RawRepresentation is ChatCompletion completion
            && !response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Any()
            && ReadReasoning(completion) is { Length: > 0 } reasoning
            && response.Messages.LastOrDefault() is { } message)
        {
            message.Contents.Insert(0, new TextReasoningContent(reasoning));
        }

        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        new ReasoningStream(base.GetStreamingResponseAsync(messages, options, cancellationToken));

    // Checks each update for a `reasoning` field until the answer starts; the moves themselves are handed on as they are
    // (InspectingEnumerator).
    private sealed class ReasoningStream(IAsyncEnumerable<ChatResponseUpdate> updates) : IAsyncEnumerable<ChatResponseUpdate>
    {
        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            new Enumerator(updates.GetAsyncEnumerator(cancellationToken));

        private sealed class Enumerator(IAsyncEnumerator<ChatResponseUpdate> inner) : InspectingEnumerator(inner)
        {
            // Reasoning comes before the answer: once a chunk with answer text has been read (that chunk too, since a
            // server may end the reasoning and start the answer in one), later chunks are not searched.
            private bool _answering;

            protected override void Inspect(ChatResponseUpdate update)
            {
                if (update.RawRepresentation is not StreamingChatCompletionUpdate raw)
                {
                    return;
                }

                if (raw.RefusalUpdate is { Length: > 0 } refusal)
                {
                    update.Contents.Add(new TextContent(refusal));
                }

                if (_answering)
                {
                    return;
                }

                var (hasReasoning, hasText) = Scan(update.Contents);
                if (!hasReasoning && ReadReasoning(raw) is { Length: > 0 } reasoning)
                {
                    update.Contents.Insert(0, new TextReasoningContent(reasoning));
                }

                _answering = hasText;
            }
        }
    }

    private static (bool HasReasoning, bool HasText) Scan(IList<AIContent> contents)
    {
        bool reasoning = false, text = false;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextReasoningContent:
                    reasoning = true;
                    break;
                case TextContent { Text.Length: > 0 }:
                    text = true;
                    break;
            }
        }

        return (reasoning, text);
    }

    // JsonPatch is marked experimental; Microsoft.Extensions.AI.OpenAI reads reasoning_content the same way. Only the
    // SDK's public surface is used: the path is resolved from the chunk's root.
#pragma warning disable SCME0001
    private static string? ReadReasoning(StreamingChatCompletionUpdate update) => Read(ref update.Patch, "$.choices[0].delta.reasoning"u8);

    private static string? ReadReasoning(ChatCompletion completion) => Read(ref completion.Patch, "$.choices[0].message.reasoning"u8);

    private static string? Read(ref System.ClientModel.Primitives.JsonPatch patch, ReadOnlySpan<byte> path)
    {
        try
        {
            return patch.TryGetValue(path, out string? value) ? value : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            // "reasoning": null or an object (reasoning_details style): not text.
            return null;
        }
    }
#pragma warning restore SCME0001
}
