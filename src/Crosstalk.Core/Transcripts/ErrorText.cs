namespace Crosstalk.Transcripts;

/// <summary>
/// How untrusted text (model output, a file's text, a name, a token a parser stopped at) is shown where it could act on a
/// terminal, or reorder what a page shows.
/// </summary>
public static class ErrorText
{
    /// <summary>The longest message kept; the rest is cut with "…".</summary>
    public const int Longest = 1_000;

    /// <summary>The most characters of a value quoted in a message (<see cref="Excerpt"/>).</summary>
    public const int LongestExcerpt = 40;

    /// <summary>A value quoted in a message: its first <see cref="LongestExcerpt"/> characters, and "…" when there is more.</summary>
    public static string Excerpt(ReadOnlySpan<char> value) =>
        value.Length <= LongestExcerpt ? value.ToString() : string.Concat(value[..LongestExcerpt], "…");

    /// <summary>
    /// What <paramref name="c"/> is shown as: a C0 control or DEL as its Unicode control picture (ESC as ␛, a line
    /// break as ␊); a C1 control, a line or paragraph separator, or a bidirectional embedding, override or isolate (which
    /// would reorder what is printed after it: the "Trojan Source" trick) as U+FFFD; any other character as itself
    /// (<see cref="OneLine"/> also spells out those that show as nothing).
    /// </summary>
    public static char Shown(char c) => c switch
    {
        < ' ' => (char)(0x2400 + c),
        '\u007f' => '\u2421',
        >= '\u0080' and <= '\u009f' or '\u2028' or '\u2029' => '\ufffd',
        _ when Reorders(c) => '\ufffd',
        _ => c,
    };

    /// <summary>
    /// Whether <paramref name="c"/> is a bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): shown
    /// as it is, it makes the text after it appear in another order than it was written — in a terminal, in a page, in a
    /// title beside it. Ordinary right-to-left text needs none of them.
    /// </summary>
    public static bool Reorders(char c) => c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';

    // What Reorders says yes to, for a vectorised search (all of it lies in U+2000–U+20FF).
    private static readonly System.Buffers.SearchValues<char> Reordering = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0x2000, 0x100).Select(c => (char)c).Where(Reorders)));

    /// <summary>
    /// <paramref name="text"/> with every character that <see cref="Reorders"/> shown as U+FFFD, for a page (where line
    /// breaks and tabs are layout, not controls); the same string when it holds none. One character for one, so positions
    /// found in the original (a search hit) still apply.
    /// </summary>
    public static string InDisplayOrder(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny(Reordering);
        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            var rest = span[state.first..];
            int at;
            while ((at = rest.IndexOfAny(Reordering)) >= 0)
            {
                rest[at] = '\ufffd';
                rest = rest[(at + 1)..];
            }
        });
    }

    /// <summary>
    /// <paramref name="text"/> as one line of bounded length: a line break would split the message, an escape sequence
    /// or a bidirectional override would reach the terminal, and a 100,000-character token would be echoed whole. Every
    /// character is <see cref="Shown"/>, and one that shows as nothing (<see cref="IsInvisible"/>) is written as its code
    /// point, "&lt;U+200B&gt;".
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, Longest + 1));
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            // A character outside the BMP (an emoji, a tag character that hides text) is one code point of two chars.
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var codePoint = pair ? char.ConvertToUtf32(c, text[i + 1]) : c;
            var spelled = IsInvisible(codePoint) ? "<U+" + codePoint.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + ">" : null;
            if (builder.Length + (spelled?.Length ?? (pair ? 2 : 1)) > Longest)
            {
                builder.Append('…');
                break;
            }

            if (spelled is not null)
            {
                builder.Append(spelled);
            }
            else if (pair)
            {
                builder.Append(text, i, 2);
            }
            else
            {
                builder.Append(Shown(c));
            }

            i += pair ? 1 : 0;
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether <paramref name="codePoint"/> is a format character that shows as nothing (a zero-width space or non-joiner, a
    /// word joiner, a byte-order mark, a soft hyphen, a left-to-right mark, a tag character): in a message that names a text, "Claude" and
    /// "Claude" + U+200B look the same, so <see cref="OneLine"/> spells it out. The zero-width joiner, which holds emoji such
    /// as 👩‍💻 together, stays as it is; bidirectional controls are <see cref="Reorders"/>'.
    /// </summary>
    public static bool IsInvisible(int codePoint) =>
        codePoint != 0x200d && !(codePoint <= char.MaxValue && Reorders((char)codePoint))
        && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(codePoint) == System.Globalization.UnicodeCategory.Format;
}
