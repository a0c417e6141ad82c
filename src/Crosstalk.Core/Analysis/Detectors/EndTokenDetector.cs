namespace Crosstalk.Analysis;

/// <summary>
/// Decides whether a message ends a conversation with an end token (such as <c>[END]</c>), by the original
/// system's rule made strict: the text, trimmed of white space, ends with the token — unless the token's line
/// is a Markdown quote (<c>&gt; …</c>) or lies inside a fenced code block.
/// </summary>
/// <remarks>
/// A token in the middle of a message ("echoing the [END] vibes") does not count; neither does one a model
/// quotes or shows as code. Whether the opener or a system prompt may end a conversation is the caller's
/// concern: they never do.
/// </remarks>
public static class EndTokenDetector
{
    /// <summary>The end token the original system used.</summary>
    public const string DefaultToken = "[END]";

    /// <summary>Returns true when <paramref name="text"/> ends with <paramref name="token"/> by the strict rule.</summary>
    /// <param name="text">The message content (never reasoning).</param>
    /// <param name="token">The end token, e.g. <c>[END]</c>.</param>
    public static bool EndsWithToken(string text, string token)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(token);

        var trimmed = text.AsSpan().Trim();
        if (!trimmed.EndsWith(token, StringComparison.Ordinal))
        {
            return false;
        }

        var lastBreak = trimmed.LastIndexOf('\n');
        var lastLine = trimmed[(lastBreak + 1)..].TrimStart();
        if (lastLine.StartsWith('>'))
        {
            return false;
        }

        // An odd number of fence lines before the token's line means the token sits inside an open code block.
        var fences = 0;
        var before = lastBreak < 0 ? ReadOnlySpan<char>.Empty : trimmed[..lastBreak];
        foreach (var line in before.EnumerateLines())
        {
            var start = line.TrimStart();
            if (start.StartsWith("```", StringComparison.Ordinal) || start.StartsWith("~~~", StringComparison.Ordinal))
            {
                fences++;
            }
        }

        return fences % 2 == 0 && !lastLine.StartsWith("```", StringComparison.Ordinal);
    }
}
