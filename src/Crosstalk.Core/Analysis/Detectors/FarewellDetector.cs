using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Crosstalk.Analysis;

/// <summary>
/// Recognises messages that only say goodbye: farewells, thanks and acknowledgements, emoji-only waves and bare
/// end tokens — the stuff of goodbye loops (seed 001 spends 70 messages on it).
/// </summary>
/// <remarks>
/// The rule is deliberately conservative: a message with a question, a message longer than
/// <see cref="MaxWords"/> words, or one where fewer than half of the sentences carry a farewell, thanks or
/// acknowledgement marker is not a farewell, so a long substantive answer that merely ends with "Thanks!" never counts.
/// A message longer than <see cref="ShortWords"/> words must also close with a marked sentence: a loop of long thank-you
/// notes ("… grateful for every insight … Farewell. [END]") is a goodbye loop, an essay with a polite middle is not.
/// </remarks>
public static partial class FarewellDetector
{
    /// <summary>Messages with more words than this (after removing end tokens) are never farewells.</summary>
    public const int MaxWords = 250;

    /// <summary>Messages with more words than this count only when their last sentence is a farewell or thanks.</summary>
    public const int ShortWords = 60;

    /// <summary>Returns true when <paramref name="text"/> is a farewell, acknowledgement, wave or bare end token.</summary>
    /// <param name="text">The message content.</param>
    /// <param name="endToken">The conversation's end token; occurrences are ignored, and a message of only end tokens is a farewell.</param>
    public static bool IsFarewell(string text, string endToken) => IsFarewell(text, endToken, out _);

    /// <summary>As <see cref="IsFarewell(string, string)"/>; <paramref name="saysSomething"/> tells a farewell with words from a wave or a bare end token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsFarewell(string text, string endToken, out bool saysSomething)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(endToken);
        saysSomething = false;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var rest = endToken.Length == 0 ? text : text.Replace(endToken, " ", StringComparison.Ordinal);
        var span = rest.AsSpan().Trim();
        if (span.Length == 0 || !HasWords(span))
        {
            return true;
        }

        saysSomething = true;
        if (span.Contains('?'))
        {
            return false;
        }

        var words = CountWords(span);
        if (words > MaxWords)
        {
            return false;
        }

        var sentences = 0;
        var marked = 0;
        var lastMarked = false;
        foreach (var range in SentenceBreak().EnumerateSplits(span))
        {
            var sentence = span[range].Trim();
            if (!HasWords(sentence))
            {
                continue;
            }

            sentences++;
            lastMarked = Marker().IsMatch(sentence);
            marked += lastMarked ? 1 : 0;
        }

        return sentences > 0 && marked * 2 >= sentences && (lastMarked || words <= ShortWords);
    }

    /// <summary>Whether a text has a letter or digit (says something, rather than waving or giving a bare token).</summary>
    private static bool HasWords(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountWords(ReadOnlySpan<char> text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = char.IsLetterOrDigit(c);
            if (letter && !inWord)
            {
                words++;
            }

            inWord = letter;
        }

        return words;
    }

    [GeneratedRegex(@"[.!;\n]+", RegexOptions.NonBacktracking)]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(
        @"\b(good-?bye|bye|farewell|take care|until (next time|then|the next|we meet)|catch you|see you|talk soon|cheers|thanks|thank you|thx|appreciated?|grateful|gratitude|honou?red|privilege|cherish(ed)?|acknowledged|understood|noted|got it|you too|likewise|same to you|right back|all the best|best wishes|wishing you|may your|stay (awesome|curious|brilliant|well|safe|sharp)|have a (great|good|nice|wonderful)|sign(ing)? off|over and out|wrapped|closed|ended|terminated|finished|no further|no more|final exit|bowing out|tapping out|happy \w+ing|safe travels|will do|sounds good|deal|good night|later|you're welcome|my pleasure|been a (pleasure|blast|joy)|silence|peace)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Marker();
}
