using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Crosstalk.Analysis;

/// <summary>
/// Finds garbled output: lower-case words that are in no dictionary and are no regular form of a listed word,
/// such as seed 000's "thanation" and "genderotidural".
/// </summary>
/// <remarks>
/// Only plain words are judged. Names (capitalised words not opening a sentence), acronyms, camelCase, words
/// with digits, URLs, e-mail addresses, paths, code (inline or fenced) and words shorter than
/// <see cref="MinLength"/> letters are skipped, so the detector errs towards silence. Hyphenated compounds are
/// judged part by part. Only Latin-script text is judged; other scripts are never flagged.
/// </remarks>
public static partial class GarbledWordDetector
{
    /// <summary>Words shorter than this are never flagged (short words are often abbreviations or slang).</summary>
    public const int MinLength = 6;

    /// <summary>Returns the garbled words of <paramref name="text"/> in order of appearance, lower-cased, without repeats.</summary>
    public static IReadOnlyList<string> Find(string text) => Find(text, out _);

    /// <summary>As <see cref="Find(string)"/>, also counting the words judged (for rates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static IReadOnlyList<string> Find(string text, out int judged)
    {
        ArgumentNullException.ThrowIfNull(text);
        judged = 0;
        List<string>? found = null;
        HashSet<string>? seen = null;
        var list = EnglishWordList.Instance;
        var prose = RefusalDetector.StripFences(text);
        if (MayHoldCodeOrLink(prose))
        {
            prose = CodeOrLink().Replace(prose, " ");
        }

        foreach (var match in Tokens(prose))
        {
            var token = prose.AsSpan(match.Index, match.Length);
            if (token.IndexOfAny('\'', '’') >= 0)
            {
                continue; // contractions and possessives
            }

            var first = true;
            foreach (var range in token.Split('-'))
            {
                var part = token[range];
                var atStart = first && SentenceStart(prose, match.Index);
                first = false;
                if (part.Length < MinLength)
                {
                    continue;
                }

                judged++;
                if (!IsPlainWord(part, atStart))
                {
                    continue;
                }

                var lower = part.ToString().ToLowerInvariant();
                if (!list.IsKnown(lower) && (seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(lower))
                {
                    // In the order first found; the set keeps a message of 100,000 distinct unknown words linear.
                    (found ??= []).Add(lower);
                }
            }
        }

        return found ?? (IReadOnlyList<string>)[];
    }

    private static bool IsPlainWord(ReadOnlySpan<char> word, bool atSentenceStart)
    {
        foreach (var c in word)
        {
            if (c is < 'a' or > 'z' and (< 'A' or > 'Z'))
            {
                return false;
            }
        }

        for (var i = 1; i < word.Length; i++)
        {
            if (char.IsUpper(word[i]))
            {
                return false;
            }
        }

        return !char.IsUpper(word[0]) || atSentenceStart;
    }

    private static bool SentenceStart(string text, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || c is '"' or '“' or '*' or '_' or '(' or '#' or '-' or '‘' or '\'')
            {
                continue;
            }

            return c is '.' or '!' or '?' or ':' or '\n';
        }

        return true;
    }

    /// <summary>
    /// The prose words of <paramref name="text"/>, in one pass: runs of ASCII letters joined by inner apostrophes and hyphens
    /// (<c>don't</c>, <c>well-known</c>), not touching a word character, <c>@</c>, <c>/</c>, <c>\</c> or a dot on their left, and
    /// ending where what follows is none of those nor a dot before a word character ("e.g" and "file.txt" are no words).
    /// Where the whole run does not end so, the longest part of it up to an apostrophe or hyphen that does is the word
    /// (<c>well</c> of <c>well-known1</c>). A scanner rather than a pattern: linear in the text whatever it holds.
    /// </summary>
    internal static IEnumerable<(int Index, int Length)> Tokens(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetter(text[i]) || (i > 0 && Touches(text[i - 1])))
            {
                i++;
                continue;
            }

            // Ends after each letter run that completes a part; the last one that may end a word wins.
            var start = i;
            var best = -1;
            var j = i;
            while (true)
            {
                while (j < text.Length && char.IsAsciiLetter(text[j]))
                {
                    j++;
                }

                if (MayEnd(text, j))
                {
                    best = j;
                }

                if (j + 1 < text.Length && text[j] is '\'' or '’' or '-' && char.IsAsciiLetter(text[j + 1]))
                {
                    j++;
                    continue;
                }

                break;
            }

            if (best > start)
            {
                yield return (start, best - start);
                i = best;
            }
            else
            {
                i = j;
            }
        }
    }


    // What .NET's \w holds (letters, decimal digits, non-spacing marks, connector punctuation such as _), and @ / . \.
    private static bool Touches(char c) => IsWordCharacter(c) || c is '@' or '/' or '.' or '\\';

    private static bool MayEnd(string text, int end) =>
        end >= text.Length
        || !(IsWordCharacter(text[end]) || text[end] is '@' or '/' or '\\'
             || (text[end] == '.' && end + 1 < text.Length && IsWordCharacter(text[end + 1])));

    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c)
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    // What every match of CodeOrLink() holds: a backquote, "://", "www." or an @ (most messages hold none, and are not scanned).
    internal static bool MayHoldCodeOrLink(string text) =>
        text.AsSpan().IndexOfAny('`', '@') >= 0
        || text.Contains("://", StringComparison.Ordinal)
        || text.Contains("www.", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"`[^`\n]*`|\b(?:https?|ftp)://\S+|\bwww\.\S+|\S+@\S+\.\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexLimits.MatchTimeoutMilliseconds)]
    internal static partial Regex CodeOrLink();
}
