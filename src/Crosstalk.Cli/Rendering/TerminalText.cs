using System.Buffers;
using System.Text;
using Crosstalk.Transcripts;
using Spectre.Console;

namespace Crosstalk.Cli.Rendering;

/// <summary>
/// Makes untrusted text (model output, names and titles from transcript files) safe to print: a control character
/// would reach the terminal as it is, and an escape sequence in a model's reply could retitle the window, recolour or
/// clear the screen, or move the cursor over what was printed before; a bidirectional override would reorder what
/// follows it. Each such character is shown as <see cref="ErrorText.Shown"/> shows it (ESC as ␛); tabs and line breaks
/// are kept, and CRLF becomes a plain line break.
/// </summary>
internal static class TerminalText
{
    // What ErrorText.Shown changes, but tab and line feed.
    private static readonly SearchValues<char> Acting = SearchValues.Create(string.Concat(
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => ErrorText.Shown(c) != c && c is not ('\t' or '\n'))));

    /// <summary><paramref name="text"/> with every character that could act on the terminal but tab and line feed made visible.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny(Acting);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\t' or '\n')
            {
                builder.Append(c);
            }
            else if (c != '\r' || i + 1 >= text.Length || text[i + 1] != '\n')
            {
                builder.Append(ErrorText.Shown(c));
            }
        }

        return builder.ToString();
    }

    /// <summary><see cref="Clean"/>, then escaped for Spectre markup.</summary>
    public static string Escape(string text) => Markup.Escape(Clean(text));
}
