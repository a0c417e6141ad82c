namespace Crosstalk.Testing.FakeProviders;

/// <summary>A response to serve verbatim (a recorded one, usually): a status, headers, and a body in pieces.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="ContentType">Content type.</param>
/// <param name="Chunks">The body; each piece is written and flushed separately, as a server streams SSE events.</param>
/// <param name="Headers">Extra response headers.</param>
public sealed record RecordedResponse(int StatusCode, string ContentType, IReadOnlyList<string> Chunks, IReadOnlyDictionary<string, string>? Headers = null);
