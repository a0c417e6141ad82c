using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Testing.FakeProviders;

/// <summary>
/// A loopback server speaking OpenAI Chat Completions (<c>POST /v1/chat/completions</c>) as the recordings in
/// <c>fixtures/provider-wire/openai</c> show it: <c>chat.completion.chunk</c> events, a finish chunk, a usage chunk when
/// <c>stream_options.include_usage</c> is set, <c>data: [DONE]</c>. Reasoning goes in <c>reasoning_content</c>
/// (DeepSeek and Moonshot style).
/// </summary>
public sealed class FakeOpenAIServer : FakeProviderServer
{
    private FakeOpenAIServer()
    {
    }

    /// <inheritdoc />
    public override Uri Endpoint => new(Address, "v1");

    /// <summary>The field reasoning is sent in: <c>reasoning_content</c> (DeepSeek, Moonshot; default) or <c>reasoning</c> (OpenRouter).</summary>
    public string ReasoningField { get; set; } = "reasoning_content";

    /// <inheritdoc />
    protected override string ApiPath => "/v1/chat/completions";

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var server = new FakeOpenAIServer();
        await server.StartCoreAsync();
        return server;
    }

    /// <inheritdoc />
    protected override string ErrorBody(int status, string type, string message) =>
        new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = message,
                ["type"] = status == 429 ? "requests" : "server_error",
                ["param"] = null,
                ["code"] = status == 429 ? "rate_limit_exceeded" : null,
            },
        }.ToJsonString();

    /// <inheritdoc />
    protected override async Task WriteStreamAsync(HttpContext context, FakeRequest request, FakeReply reply, FaultKind fault, CancellationToken cancellationToken)
    {
        var id = $"chatcmpl-fake{request.Number}";
        var model = request.Model ?? "fake";
        var includeUsage = request.Body["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false;
        var events = new List<string> { Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null }, null, includeUsage) };
        var reasoningPieces = Pieces(reply.Reasoning ?? string.Empty);
        var textPieces = Pieces(reply.Text);
        events.AddRange(reasoningPieces.Select(p => Chunk(id, model, new JsonObject { [ReasoningField] = p }, null, includeUsage)));
        events.AddRange(textPieces.Select(p => Chunk(id, model, new JsonObject { ["content"] = p }, null, includeUsage)));
        events.Add(Chunk(id, model, [], reply.FinishReason ?? "stop", includeUsage));
        if (includeUsage && reply.ReportUsage)
        {
            events.Add(Data(new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = 1770950778,
                ["model"] = model,
                ["choices"] = new JsonArray(),
                ["usage"] = Usage(request, reply, reasoningPieces.Count, textPieces.Count),
            }));
        }

        events.Add("data: [DONE]\n\n");
        await StreamPiecesAsync(context, events, fault, "data: {\"id\":\"chatcmpl-broken\",\"choices\":[{\"delta\":{\"content\n\n", cancellationToken,
            Data(new JsonObject
            {
                ["error"] = new JsonObject { ["message"] = $"The server had an error with api_key {KeyOf(request)}", ["type"] = "server_error" },
            }));
    }

    /// <inheritdoc />
    protected override async Task WriteJsonAsync(HttpContext context, FakeRequest request, FakeReply reply, CancellationToken cancellationToken)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text, ["refusal"] = null, ["annotations"] = new JsonArray() };
        if (reply.Reasoning is not null)
        {
            message[ReasoningField] = reply.Reasoning;
        }

        var body = new JsonObject
        {
            ["id"] = $"chatcmpl-fake{request.Number}",
            ["object"] = "chat.completion",
            ["created"] = 1770950813,
            ["model"] = request.Model ?? "fake",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = reply.FinishReason ?? "stop" }),
        };
        if (reply.ReportUsage)
        {
            body["usage"] = Usage(request, reply, Pieces(reply.Reasoning ?? string.Empty).Count, Pieces(reply.Text).Count);
        }

        await context.Response.WriteAsync(body.ToJsonString(), cancellationToken);
    }

    private static JsonObject Usage(FakeRequest request, FakeReply reply, int reasoningPieces, int textPieces)
    {
        var input = reply.InputTokens ?? CountTokens(request);
        var output = reply.OutputTokens ?? (reasoningPieces + textPieces);
        return new JsonObject
        {
            ["prompt_tokens"] = input,
            ["completion_tokens"] = output,
            ["total_tokens"] = input + output,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 0, ["audio_tokens"] = 0 },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoningPieces, ["audio_tokens"] = 0 },
        };
    }

    private static string Chunk(string id, string model, JsonObject delta, string? finishReason, bool includeUsage)
    {
        var chunk = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 1770950778,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
        };
        if (includeUsage)
        {
            chunk["usage"] = null;
        }

        return Data(chunk);
    }

    private static string Data(JsonObject json) => $"data: {json.ToJsonString()}\n\n";
}
