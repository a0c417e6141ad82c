namespace Crosstalk.Testing.FakeProviders;

/// <summary>A failure a fake provider server can inject into one request.</summary>
public enum FaultKind
{
    /// <summary>Answer normally.</summary>
    None,

    /// <summary>HTTP 429 with <c>retry-after</c> and <c>retry-after-ms</c>.</summary>
    RateLimited,

    /// <summary>HTTP 500.</summary>
    ServerError,

    /// <summary>HTTP 503.</summary>
    Unavailable,

    /// <summary>HTTP 529 (Anthropic's overloaded).</summary>
    Overloaded,

    /// <summary>Wait <see cref="FaultPlan.SlowFirstByte"/> before sending anything.</summary>
    SlowFirstByte,

    /// <summary>Stream part of the reply, then go silent for <see cref="FaultPlan.Stall"/>.</summary>
    StallMidStream,

    /// <summary>Stream part of the reply, then end the body without the rest (no finish, no <c>[DONE]</c> / <c>message_stop</c>).</summary>
    CutStream,

    /// <summary>Stream part of the reply, then a chunk that is not JSON.</summary>
    MalformedChunk,

    /// <summary>
    /// Stream part of the reply, then the provider's own error event (Anthropic's <c>event: error</c>, an OpenAI-style
    /// <c>data: {"error": …}</c>) whose message echoes the key the request was made with, as some providers' errors do.
    /// </summary>
    StreamError,
}
