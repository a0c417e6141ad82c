using System.Globalization;
using System.Text.Json;
using Crosstalk.Models.Middleware;

namespace Crosstalk.Models.Providers;

/// <summary>
/// Sits under both SDKs: turns every unsuccessful response into a <see cref="ProviderException"/> before an SDK formats
/// it, so status, <c>retry-after</c> and the provider's message are read the same way for every endpoint and no SDK
/// message (which may echo part of a key) ever escapes.
/// </summary>
internal sealed class ProviderHttpHandler : DelegatingHandler
{
    private const int MaxErrorBody = 8 * 1024;

    private readonly TimeProvider _time;

    public ProviderHttpHandler(HttpMessageHandler inner, TimeProvider? timeProvider = null)
        : base(inner)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // Reached, but what came back was not a whole HTTP answer (the connection closed in its headers, or they were
            // too large or not HTTP): said as that, not as a server nobody could find.
            var what = ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded
                ? "was reached but sent no whole answer"
                : "could not be reached";
            throw new ProviderException(
                $"{Host(request)} {what} ({SecretRedactor.Redact(ex.Message).TrimEnd('.')}).", "network", null, true, null, null);
        }

        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "text/html")
        {
            return response;
        }

        if (response.IsSuccessStatusCode)
        {
            // A web page where the API's JSON or stream belongs (a proxy's or a portal's sign-in page, an endpoint that is
            // a website): said as what it is, not as a stream that was cut before it began. Another attempt may pass.
            using (response)
            {
                var page = SecretRedactor.Redact(await ReadBoundedAsync(response, cancellationToken)).ReplaceLineEndings(" ").Trim();
                throw new ProviderException(
                    $"{Host(request)} answered {(int)response.StatusCode} with a web page, not the API's reply (not_api){(page.Length == 0 ? "" : ": " + (page.Length > 200 ? page[..200] + "…" : page))}.",
                    "not_api",
                    (int)response.StatusCode,
                    true);
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var retryAfter = ReadRetryAfter(response, _time);
            // Keys are taken out of the whole body before any of it is cut short: a key echoed back across the cut no
            // longer matched the key, and most of it was shown.
            var body = SecretRedactor.Redact(await ReadBoundedAsync(response, cancellationToken));
            var (type, message) = ReadError(body);
            var kind = Kind(status, type);
            var detail = string.IsNullOrWhiteSpace(message) ? response.ReasonPhrase ?? "no details" : message;
            throw new ProviderException(
                $"{Host(request)} answered {status} ({kind}): {SecretRedactor.Redact(detail).Trim().TrimEnd('.')}.",
                kind,
                status,
                IsTransient(status),
                retryAfter);
        }
    }

    public static bool IsTransient(int status) => status is 408 or 409 or 425 or 429 || status >= 500;

    private static string Host(HttpRequestMessage request) => request.RequestUri?.Authority ?? "the provider";

    private static string Kind(int status, string? type) => status switch
    {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        429 => "rate_limited",
        529 => "overloaded",
        503 => "unavailable",
        >= 500 => "server_error",
        _ => type ?? "bad_request",
    };

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            // "Infinity" and 1e20 parse too: a wait beyond any bound is the longest (maxRetryAfter caps it again).
            return milliseconds < ResilienceOptions.Longest.TotalMilliseconds ? TimeSpan.FromMilliseconds(milliseconds) : ResilienceOptions.Longest;
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBody];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return string.Empty;
        }
    }

    // OpenAI: {"error":{"message","type","code"}}; Anthropic: {"type":"error","error":{"type","message"}}.
    private static (string? Type, string? Message) ReadError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (null, error.GetString());
                }

                if (error.ValueKind == JsonValueKind.Object)
                {
                    var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    if (type is null && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        type = c.GetString();
                    }

                    var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    return (type, message);
                }
            }
        }
        catch (JsonException)
        {
        }

        // Not JSON (a proxy's HTML page, say): keep a short, single-line excerpt.
        var text = body.ReplaceLineEndings(" ");
        return (null, text.Length > 200 ? text[..200] + "…" : text);
    }
}
