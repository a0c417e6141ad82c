using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Sits right on an SDK's client and turns whatever it throws into a <see cref="ProviderException"/> (status,
/// <c>retry-after</c>, transient or not, a message with every key removed), so nothing above it — the tracing, the
/// retries, the terminal — ever sees an SDK's own exception or text. Each SDK brings its own translation.
/// </summary>
internal sealed class ProviderErrorChatClient : DelegatingChatClient
{
    private readonly string _name;
    private readonly Func<Exception, string, ProviderException?> _sdk;

    /// <param name="innerClient">The SDK's client.</param>
    /// <param name="name">The model as messages name it.</param>
    /// <param name="sdk">The SDK's own exceptions, translated; null for anything it does not know.</param>
    public ProviderErrorChatClient(IChatClient innerClient, string name, Func<Exception, string, ProviderException?> sdk)
        : base(innerClient)
    {
        _name = name;
        _sdk = sdk;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (Translate(ex) is { } failure)
        {
            throw failure;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (Translate(ex) is { } failure)
        {
            throw failure;
        }

        await using (updates)
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (TranslateWhileReading(ex) is { } failure)
                {
                    throw failure;
                }

                yield return updates.Current;
            }
        }
    }

    /// <summary>
    /// <see cref="Translate(Exception)"/> for what the SDK throws while it reads a reply the provider accepted to send:
    /// a chunk the SDK cannot read (a finish reason it does not know, a lone surrogate, bytes that are not UTF-8, a count
    /// beyond an int, a value of the wrong kind) surfaces as the SDK's JSON reading fails, and is a garbled stream —
    /// retried, as the Anthropic SDK's own <c>AnthropicInvalidDataException</c> is — not a permanent failure of the model.
    /// </summary>
    internal ProviderException? TranslateWhileReading(Exception ex) =>
        Translate(ex) is { Kind: "error" } && ex is (InvalidOperationException and not ObjectDisposedException) or ArgumentException or OverflowException
            ? new ProviderException($"{_name} sent a chunk that could not be read (malformed_stream).", "malformed_stream", null, true)
            : Translate(ex);

    /// <summary>The provider exception for <paramref name="ex"/>; null for a cancellation, which stays what it is.</summary>
    internal ProviderException? Translate(Exception ex) => Translate(ex, _name, _sdk);

    internal static ProviderException? Translate(Exception ex, string name, Func<Exception, string, ProviderException?>? sdk = null)
    {
        if (ex is OperationCanceledException)
        {
            return null;
        }

        // What the HTTP handler already translated, however the SDK wrapped it.
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProviderException provider)
            {
                return provider;
            }
        }

        if (sdk?.Invoke(ex, name) is { } known)
        {
            return known;
        }

        return ex switch
        {
            JsonException or FormatException => new ProviderException($"{name} sent a chunk that could not be read (malformed_stream).", "malformed_stream", null, true),
            IOException or HttpRequestException => new ProviderException($"{name}'s connection broke in the middle of the reply (network).", "network", null, true),
            _ => new ProviderException($"{name} failed ({ex.GetType().Name}): {SecretRedactor.Redact(ex.Message).Trim().TrimEnd('.')}.", "error", null, false),
        };
    }

    /// <summary>The Anthropic SDK's exceptions for a broken, garbled or failed stream.</summary>
    internal static ProviderException? FromAnthropic(Exception ex, string name) => ex switch
    {
        Anthropic.Exceptions.AnthropicIOException => new ProviderException($"{name}'s connection broke in the middle of the reply (network).", "network", null, true),
        Anthropic.Exceptions.AnthropicInvalidDataException => new ProviderException($"{name} sent a chunk that could not be read (malformed_stream).", "malformed_stream", null, true),
        Anthropic.Exceptions.AnthropicSseException => StreamError(ex.Message, name),
        _ => null,
    };

    // An `event: error` in the middle of a stream: Anthropic sends overloaded_error and api_error this way, which pass; a
    // refused request does not.
    private static ProviderException StreamError(string text, string name)
    {
        var permanent = text.Contains("authentication_error", StringComparison.Ordinal)
            || text.Contains("permission_error", StringComparison.Ordinal)
            || text.Contains("invalid_request_error", StringComparison.Ordinal);
        var detail = SecretRedactor.Redact(text).ReplaceLineEndings(" ").Trim().TrimEnd('.');
        if (detail.Length > 300)
        {
            detail = detail[..300] + "…";
        }

        return new ProviderException($"{name} reported an error in the stream (stream_error): {detail}.", "stream_error", null, !permanent);
    }
}
