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
    internal static IReadOnlyList<string> Find(string text, out int judged)
    {
        ArgumentNullException.ThrowIfNull(text);
        judged = 0;
        List<string>? found = null;
        var list = EnglishWordList.Instance;
        var prose = RefusalDetector.StripFences(text);
        if (prose.AsSpan().IndexOfAny("`@:w") >= 0)
        {
            prose = CodeOrLink().Replace(prose, " ");
        }

        foreach (var match in Token().EnumerateMatches(prose))
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
                if (!list.IsKnown(lower) && (found is null || !found.Contains(lower)))
                {
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

    // Letters with inner hyphens; a word touching digits, dots, slashes, underscores or @ is not prose.
    [GeneratedRegex(@"(?<![\w@/.\\])[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*(?![\w@/\\]|\.\w)", RegexOptions.CultureInvariant, RegexLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Token();

    // Without backtracking: "\S+@\S+\.\S+" backtracks quadratically over a long unbroken token of @ signs.
    [GeneratedRegex(@"`[^`\n]*`|\b(?:https?|ftp)://\S+|\bwww\.\S+|\S+@\S+\.\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexLimits.MatchTimeoutMilliseconds)]
    private static partial Regex CodeOrLink();
}
