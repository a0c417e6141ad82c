using System.Runtime.CompilerServices;
using Crosstalk.Models.Middleware;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Microsoft.Extensions.AI.OpenAI reads reasoning from <c>reasoning_content</c> (DeepSeek, Moonshot, vLLM); OpenRouter
/// and some others send it as <c>reasoning</c>. This picks that field up too, so reasoning never lands in, or vanishes
/// from, a message's content.
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
            // server may end the reasoning and start the answer in one), later chunks are not searched, which saves a
            // lookup (see ReadReasoning) on every chunk of every reply.
            private bool _answering;

            protected override void Inspect(ChatResponseUpdate update)
            {
                if (_answering || update.RawRepresentation is not StreamingChatCompletionUpdate raw)
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

    // JsonPatch is marked experimental; Microsoft.Extensions.AI.OpenAI reads reasoning_content the same way.
#pragma warning disable SCME0001
    private static string? ReadReasoning(StreamingChatCompletionUpdate update)
    {
        // The JSON path from the root is resolved step by step through every model on the way (~0.4 µs warm, over 1 µs
        // in a busy process); the delta's own patch answers in ~0.1 µs. The delta is internal to the OpenAI SDK, so it is
        // reached with an UnsafeAccessor; should a later SDK rename it, the path from the root is used from then on.
        if (s_deltaAccessible)
        {
            try
            {
                return DeltaOf(update) is { } delta ? Read(ref PatchOf(delta), "$.reasoning"u8) : null;
            }
            catch (Exception ex) when (ex is MissingMemberException or TypeLoadException)
            {
                s_deltaAccessible = false;
            }
        }

        return Read(ref update.Patch, "$.choices[0].delta.reasoning"u8);
    }

    private static string? ReadReasoning(ChatCompletion completion) => Read(ref completion.Patch, "$.choices[0].message.reasoning"u8);

    /// <summary>Whether the delta of a streamed chunk is read directly (true with the OpenAI SDK this was built against).</summary>
    internal static bool ReadsDeltaDirectly => s_deltaAccessible;

    private static volatile bool s_deltaAccessible = true;

    private const string DeltaType = "OpenAI.Chat.InternalChatCompletionStreamResponseDelta, OpenAI";

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_InternalChoiceDelta")]
    [return: UnsafeAccessorType(DeltaType)]
    private static extern object? DeltaOf(StreamingChatCompletionUpdate update);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Patch")]
    private static extern ref System.ClientModel.Primitives.JsonPatch PatchOf([UnsafeAccessorType(DeltaType)] object delta);

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
