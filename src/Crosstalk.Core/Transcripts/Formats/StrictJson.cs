using System.Text.Json;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// How the readers parse JSON: a key given twice in one object is refused (as a JSON error naming its line), not read as
/// the last of the two — which of two "content" values a tool meant cannot be known, and taking one silently changes the
/// conversation.
/// </summary>
internal static class StrictJson
{
    /// <summary>Options for <see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/>.</summary>
    public static JsonDocumentOptions Document { get; } = new() { AllowDuplicateProperties = false };
}
