using System.Text;

namespace Crosstalk.Transcripts.Formats;

/// <summary>
/// The one ambiguity of the seed Markdown: content holding a blank line, a rule line (<c>---</c>), a blank
/// line and a heading naming a participant looks exactly like the end of a message. The writer adds one
/// backslash to a rule line (<c>\\*---</c>) in that context; the reader removes one. Lines already carrying
/// backslashes get one more, so the mapping is reversible for any content.
/// </summary>
internal static class RuleEscaping
{
    private const string Trigger = "---\n\n### ";

    /// <summary>Appends <paramref name="content"/> to <paramref name="builder"/>, escaping rule lines where needed.</summary>
    public static void AppendEscaped(StringBuilder builder, string content, SeatAssigner names)
    {
        if (!content.Contains(Trigger, StringComparison.Ordinal))
        {
            builder.Append(content);
            return;
        }

        // The separator that follows the content is part of the context, so a heading at the very end counts.
        var withTail = content + "\n\n";
        var copied = 0;
        foreach (var lineStart in FindGuardedRules(withTail, content.Length, names, minBackslashes: 0))
        {
            builder.Append(content, copied, lineStart - copied).Append('\\');
            copied = lineStart;
        }

        builder.Append(content, copied, content.Length - copied);
    }

    /// <summary>
    /// Returns the content that was written, given <paramref name="raw"/> = the stored content followed by
    /// the separator's leading blank line (<c>\n\n</c>), whose last two characters are not content.
    /// </summary>
    public static string Unescape(ReadOnlySpan<char> raw, SeatAssigner names)
    {
        var contentLength = raw.Length - 2;
        if (raw[..contentLength].IndexOf(Trigger, StringComparison.Ordinal) < 0)
        {
            return raw[..contentLength].ToString();
        }

        var rules = FindGuardedRules(raw, contentLength, names, minBackslashes: 1);
        if (rules.Count == 0)
        {
            return raw[..contentLength].ToString();
        }

        var builder = new StringBuilder(contentLength);
        var copied = 0;
        foreach (var lineStart in rules)
        {
            builder.Append(raw[copied..lineStart]);
            copied = lineStart + 1;
        }

        builder.Append(raw[copied..contentLength]);
        return builder.ToString();
    }

    /// <summary>
    /// Finds the starts of lines <c>\\*---</c> (with at least <paramref name="minBackslashes"/> backslashes)
    /// that begin inside the content, follow a blank line, and are followed by a blank line and
    /// <c>### {participant}</c> and another blank line.
    /// </summary>
    private static List<int> FindGuardedRules(ReadOnlySpan<char> text, int contentLength, SeatAssigner names, int minBackslashes)
    {
        var found = new List<int>();
        var from = 0;
        while (from < contentLength)
        {
            var relative = text[from..].IndexOf(Trigger, StringComparison.Ordinal);
            if (relative < 0)
            {
                break;
            }

            var dashes = from + relative;
            from = dashes + 1;
            var lineStart = dashes;
            while (lineStart > 0 && text[lineStart - 1] == '\\')
            {
                lineStart--;
            }

            if (lineStart < 2 || lineStart >= contentLength || text[lineStart - 1] != '\n' || text[lineStart - 2] != '\n'
                || dashes - lineStart < minBackslashes)
            {
                continue;
            }

            var nameStart = dashes + Trigger.Length;
            var nameLength = text[nameStart..].IndexOf('\n');
            if (nameLength < 0)
            {
                continue;
            }

            var afterName = nameStart + nameLength + 1;
            if (afterName < text.Length && text[afterName] == '\n' && names.IsKnown(text.Slice(nameStart, nameLength)))
            {
                found.Add(lineStart);
            }
        }

        return found;
    }
}
