using Crosstalk.Conversations;
using Crosstalk.Transcripts;

namespace Crosstalk.Models.Providers;

/// <summary>
/// A provider call failed. The message is one sentence with the status and the provider's own explanation, with every
/// key removed. <see cref="Attempts"/> lists the tries made before giving up.
/// </summary>
public sealed class ProviderException : Exception, IFailedAttempts
{
    public ProviderException()
    {
    }

    public ProviderException(string message)
        : base(message)
    {
    }

    public ProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ProviderException(string message, string kind, int? statusCode, bool isTransient, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
    }

    /// <summary>
    /// What went wrong: <c>rate_limited</c>, <c>overloaded</c>, <c>server_error</c>, <c>unauthorized</c>, <c>bad_request</c>,
    /// <c>stream_cut</c>, <c>stream_stalled</c>, <c>first_token_timeout</c>, <c>malformed_stream</c>, <c>network</c>,
    /// <c>circuit_open</c>, <c>timeout</c> (the whole message took too long) …
    /// </summary>
    public string Kind { get; } = "error";

    /// <summary>The HTTP status code, when there was a response.</summary>
    public int? StatusCode { get; }

    /// <summary>Whether trying again may succeed.</summary>
    public bool IsTransient { get; }

    /// <summary>The delay the provider asked for (<c>retry-after-ms</c> or <c>retry-after</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Every attempt made for the message, in order, when the resilience layer gave up.</summary>
    public IReadOnlyList<Attempt> Attempts { get; internal set; } = [];
}
