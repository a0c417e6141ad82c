using System.Runtime.CompilerServices;
using System.Text;

namespace Crosstalk.Analysis;

/// <summary>Splits text into words and emoji the same way for every statistic, so counts agree across reports.</summary>
internal static class TextWords
{
    /// <summary>Words: runs of letters and digits, with inner apostrophes kept ("don't"), lower-cased.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<string> Lower(string text)
    {
        var words = new List<string>();
        var builder = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if ((c == '\'' || c == '’') && builder.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1]))
            {
                builder.Append('\'');
            }
            else if (builder.Length > 0)
            {
                words.Add(builder.ToString());
                builder.Clear();
            }
        }

        if (builder.Length > 0)
        {
            words.Add(builder.ToString());
        }

        return words;
    }

    /// <summary>The number of white-space separated pieces that hold at least one letter or digit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Count(string text)
    {
        var count = 0;
        var inPiece = false;
        var hasLetter = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (inPiece && hasLetter)
                {
                    count++;
                }

                inPiece = false;
                hasLetter = false;
            }
            else
            {
                inPiece = true;
                hasLetter |= char.IsLetterOrDigit(c);
            }
        }

        return inPiece && hasLetter ? count + 1 : count;
    }

    /// <summary>The emoji in <paramref name="text"/>, one string per pictograph (modifiers and variation selectors dropped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<string> Emoji(string text)
    {
        var found = new List<string>();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsEmoji(rune.Value))
            {
                found.Add(rune.ToString());
            }
        }

        return found;
    }

    private static bool IsEmoji(int value) =>
        value is (>= 0x1F300 and <= 0x1F5FF) // symbols and pictographs
            or (>= 0x1F600 and <= 0x1F64F) // emoticons
            or (>= 0x1F680 and <= 0x1F6FF) // transport and map
            or (>= 0x1F900 and <= 0x1FAFF) // supplemental symbols and pictographs
            or (>= 0x1F1E6 and <= 0x1F1FF) // regional indicators
            or (>= 0x2600 and <= 0x26FF) // miscellaneous symbols
            or (>= 0x2700 and <= 0x27BF) // dingbats
            or 0x2B50 or 0x2B55 or 0x2764;
}
