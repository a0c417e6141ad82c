namespace Crosstalk.Transcripts;

/// <summary>One failed try at producing a message, kept so a user can see what the provider did.</summary>
/// <param name="Number">1-based attempt number.</param>
/// <param name="Error">A short description of the failure (status code and kind); never a key or a request body.</param>
/// <param name="StatusCode">The HTTP status code, when there was one.</param>
/// <param name="Duration">How long the attempt took before it failed.</param>
/// <param name="RetryAfter">The delay the provider asked for (<c>retry-after</c>), if any.</param>
public sealed record Attempt(int Number, string Error, int? StatusCode = null, TimeSpan? Duration = null, TimeSpan? RetryAfter = null);
