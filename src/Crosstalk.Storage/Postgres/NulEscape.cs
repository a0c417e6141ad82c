using System.Text;

namespace Crosstalk.Storage.Postgres;

/// <summary>
/// How PostgreSQL keeps text it cannot hold: a <c>text</c> column refuses U+0000 and a <c>jsonb</c> column refuses the
/// escape <c>\u0000</c>, so one model reply with a NUL in it would fail its append. NUL is written as U+FFFF followed by
/// <c>0</c>, and U+FFFF itself (a noncharacter, never in ordinary text) as two U+FFFF, so every text reads back exactly.
/// </summary>
internal static class NulEscape
{
    private const char Mark = '\uFFFF';

    /// <summary>Text as a <c>text</c> column holds it.</summary>
    public static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny('\0', Mark) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\0' => builder.Append(Mark).Append('0'),
                Mark => builder.Append(Mark).Append(Mark),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }

    /// <summary>Text as it was given to <see cref="Encode"/>.</summary>
    public static string Decode(string stored) => Unmark(stored, "\0", "\uFFFF");

    /// <summary>
    /// A JSON text as a <c>jsonb</c> column holds it: the escapes <c>\u0000</c> and <c>\uFFFF</c> become the marked
    /// characters, which JSON allows raw inside a string.
    /// </summary>
    public static string EncodeJson(string json)
    {
        if (json.AsSpan().IndexOfAny('\\', Mark) < 0)
        {
            return json;
        }

        var builder = new StringBuilder(json.Length + 8);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c == Mark)
            {
                builder.Append(Mark).Append(Mark);
            }
            else if (c != '\\' || i + 1 >= json.Length)
            {
                builder.Append(c);
            }
            else if (json[i + 1] == 'u' && i + 5 < json.Length && IsEscape(json.AsSpan(i + 2, 4), out var escaped))
            {
                builder.Append(Mark).Append(escaped == '\0' ? '0' : Mark);
                i += 5;
            }
            else
            {
                // Any other escape (\\, \", \n, \u00e9 …) is copied whole, so a backslash it contains is never read as the
                // start of another.
                builder.Append(c).Append(json[i + 1]);
                i++;
            }
        }

        return builder.ToString();
    }

    /// <summary>A JSON text as it was given to <see cref="EncodeJson"/> (equal in meaning; escapes as JSON writes them).</summary>
    public static string DecodeJson(string stored) => Unmark(stored, "\\u0000", "\\uffff");

    private static bool IsEscape(ReadOnlySpan<char> hex, out char escaped)
    {
        escaped = hex.Equals("0000", StringComparison.Ordinal) ? '\0' : hex.Equals("ffff", StringComparison.OrdinalIgnoreCase) ? Mark : 'x';
        return escaped != 'x';
    }

    private static string Unmark(string stored, string nul, string mark)
    {
        if (stored.IndexOf(Mark, StringComparison.Ordinal) < 0)
        {
            return stored;
        }

        var builder = new StringBuilder(stored.Length);
        for (var i = 0; i < stored.Length; i++)
        {
            var c = stored[i];
            if (c == Mark && i + 1 < stored.Length && stored[i + 1] is '0' or Mark)
            {
                builder.Append(stored[i + 1] == '0' ? nul : mark);
                i++;
            }
            else
            {
                // A lone mark (written before NUL was escaped, or cut) is kept as it is.
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
