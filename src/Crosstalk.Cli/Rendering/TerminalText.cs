using System.Buffers;
using System.Text;
using Spectre.Console;

namespace Crosstalk.Cli.Rendering;

/// <summary>
/// Makes untrusted text (model output, names and titles from transcript files) safe to print: a control character
/// would reach the terminal as it is, and an escape sequence in a model's reply could retitle the window, recolour or
/// clear the screen, or move the cursor over what was printed before. Each control character is shown as its Unicode
/// control picture instead (ESC as ␛); tabs and line breaks are kept, and CRLF becomes a plain line break.
/// </summary>
internal static class TerminalText
{
    // C0 controls but tab and line feed, DEL, and the C1 controls.
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Where(c => c is not ('\t' or '\n')).Select(c => (char)c))
        + '\u007f'
        + string.Concat(Enumerable.Range(0x80, 0x20).Select(c => (char)c)));

    /// <summary><paramref name="text"/> with every control character but tab and line feed made visible.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case < ' ' when c is not ('\t' or '\n'):
                    builder.Append((char)(0x2400 + c));
                    break;
                case '\u007f':
                    builder.Append('\u2421');
                    break;
                case >= '\u0080' and <= '\u009f':
                    builder.Append('\ufffd');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary><see cref="Clean"/>, then escaped for Spectre markup.</summary>
    public static string Escape(string text) => Markup.Escape(Clean(text));
}
