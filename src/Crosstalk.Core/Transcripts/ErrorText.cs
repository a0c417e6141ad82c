namespace Crosstalk.Transcripts;

/// <summary>How an error message quotes untrusted input (a file's text, a name, a token a parser stopped at).</summary>
public static class ErrorText
{
    /// <summary>The longest message kept; the rest is cut with "…".</summary>
    public const int Longest = 1_000;

    /// <summary>
    /// <paramref name="text"/> as one line of bounded length: a line break would split the message, an escape sequence
    /// or a bidirectional override would reach the terminal, and a 100,000-character token would be echoed whole. Control
    /// characters become their Unicode control pictures (ESC as ␛, a line break as ␊).
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

            builder.Append(c switch
            {
                < ' ' => (char)(0x2400 + c),
                '\u007f' => '\u2421',
                >= '\u0080' and <= '\u009f' or '\u2028' or '\u2029' => '\ufffd',
                >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' => '\ufffd',
                _ => c,
            });
        }

        return builder.ToString();
    }
}
