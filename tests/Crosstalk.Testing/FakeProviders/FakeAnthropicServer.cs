using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Crosstalk.Testing.FakeProviders;

/// <summary>
/// A loopback server speaking Anthropic Messages (<c>POST /v1/messages</c>) as the recordings in
/// <c>fixtures/provider-wire/anthropic</c> show it: <c>message_start</c>, content blocks (thinking, then text) with
/// deltas, <c>message_delta</c> with the stop reason and output usage, <c>message_stop</c>.
/// </summary>
public sealed class FakeAnthropicServer : FakeProviderServer
{
    private FakeAnthropicServer()
    {
    }

    /// <inheritdoc />
    public override Uri Endpoint => Address;

    /// <inheritdoc />
    protected override string ApiPath => "/v1/messages";

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeAnthropicServer> StartAsync()
    {
        var server = new FakeAnthropicServer();
        await server.StartCoreAsync();
        return server;
    }

    /// <inheritdoc />
    protected override string ErrorBody(int status, string type, string message) =>
        new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString();

    /// <inheritdoc />
    protected override async Task WriteStreamAsync(HttpContext context, FakeRequest request, FakeReply reply, FaultKind fault, CancellationToken cancellationToken)
    {
        var model = request.Model ?? "fake";
        var input = reply.InputTokens ?? CountTokens(request);
        var events = new List<string>
        {
            Event("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = $"msg_fake{request.Number}",
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["content"] = new JsonArray(),
                    ["model"] = model,
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = 1 },
                },
            }),
        };

        var index = 0;
        var pieces = 0;
        if (reply.Reasoning is { } reasoning)
        {
            events.Add(Event("content_block_start", new JsonObject
            {
                ["type"] = "content_block_start",
                ["index"] = index,
                ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
            }));
            foreach (var piece in Pieces(reasoning))
            {
                pieces++;
                events.Add(Delta(index, new JsonObject { ["type"] = "thinking_delta", ["thinking"] = piece }));
            }

            events.Add(Delta(index, new JsonObject { ["type"] = "signature_delta", ["signature"] = "ZmFrZS1zaWduYXR1cmU=" }));
            events.Add(Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index }));
            index++;
        }

        events.Add(Event("content_block_start", new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = index,
            ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" },
        }));
        events.Add("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        foreach (var piece in Pieces(reply.Text))
        {
            pieces++;
            events.Add(Delta(index, new JsonObject { ["type"] = "text_delta", ["text"] = piece }));
        }

        events.Add(Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index }));
        var messageDelta = new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = reply.FinishReason ?? "end_turn", ["stop_sequence"] = null },
        };
        if (reply.ReportUsage)
        {
            messageDelta["usage"] = new JsonObject { ["output_tokens"] = reply.OutputTokens ?? pieces };
        }

        events.Add(Event("message_delta", messageDelta));
        events.Add(Event("message_stop", new JsonObject { ["type"] = "message_stop" }));
        await StreamPiecesAsync(context, events, fault, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_del\n\n", cancellationToken,
            Event("error", new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = $"Overloaded while serving the request made with x-api-key {KeyOf(request)}" },
            }));
    }

    /// <inheritdoc />
    protected override async Task WriteJsonAsync(HttpContext context, FakeRequest request, FakeReply reply, CancellationToken cancellationToken)
    {
        var content = new JsonArray();
        if (reply.Reasoning is not null)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = reply.Reasoning, ["signature"] = "ZmFrZS1zaWduYXR1cmU=" });
        }

        content.Add(new JsonObject { ["type"] = "text", ["text"] = reply.Text });
        var body = new JsonObject
        {
            ["id"] = $"msg_fake{request.Number}",
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = request.Model ?? "fake",
            ["content"] = content,
            ["stop_reason"] = reply.FinishReason ?? "end_turn",
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = reply.InputTokens ?? CountTokens(request),
                ["output_tokens"] = reply.OutputTokens ?? (Pieces(reply.Text).Count + Pieces(reply.Reasoning ?? string.Empty).Count),
            },
        };
        await context.Response.WriteAsync(body.ToJsonString(), cancellationToken);
    }

    private static string Delta(int index, JsonObject delta) =>
        Event("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta });

    private static string Event(string name, JsonObject data) => $"event: {name}\ndata: {data.ToJsonString()}\n\n";
}
