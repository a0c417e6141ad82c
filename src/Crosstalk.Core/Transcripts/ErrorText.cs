namespace Crosstalk.Transcripts;

/// <summary>How untrusted text (model output, a file's text, a name, a token a parser stopped at) is shown where it could act on a terminal.</summary>
public static class ErrorText
{
    /// <summary>The longest message kept; the rest is cut with "…".</summary>
    public const int Longest = 1_000;

    /// <summary>
    /// What <paramref name="c"/> is shown as: a C0 control or DEL as its Unicode control picture (ESC as ␛, a line
    /// break as ␊); a C1 control, a line or paragraph separator, or a bidirectional embedding, override or isolate (which
    /// would reorder what is printed after it: the "Trojan Source" trick) as U+FFFD; any other character as itself.
    /// </summary>
    public static char Shown(char c) => c switch
    {
        < ' ' => (char)(0x2400 + c),
        '\u007f' => '\u2421',
        >= '\u0080' and <= '\u009f' or '\u2028' or '\u2029' => '\ufffd',
        >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' => '\ufffd',
        _ => c,
    };

    /// <summary>
    /// <paramref name="text"/> as one line of bounded length: a line break would split the message, an escape sequence
    /// or a bidirectional override would reach the terminal, and a 100,000-character token would be echoed whole. Every
    /// character is <see cref="Shown"/>.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, Longest + 1));
        foreach (var c in text)
        {
            if (builder.Length >= Longest)
            {
                builder.Append('…');
                break;
            }

            builder.Append(Shown(c));
        }

        return builder.ToString();
    }
}
