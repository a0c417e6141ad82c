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
    public static IReadOnlyList<string> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<string>();
        var list = EnglishWordList.Instance;
        var prose = CodeOrLink().Replace(RefusalDetector.StripFences(text), " ");
        foreach (Match match in Token().Matches(prose))
        {
            if (match.Value.Contains('\'', StringComparison.Ordinal) || match.Value.Contains('’', StringComparison.Ordinal))
            {
                continue; // contractions and possessives
            }

            foreach (var part in match.Value.Split('-'))
            {
                if (part.Length < MinLength || !IsPlainWord(part, SentenceStart(prose, match.Index) && part == match.Value.Split('-')[0]))
                {
                    continue;
                }

                var lower = part.ToLowerInvariant();
                if (!list.IsKnown(lower) && !found.Contains(lower))
                {
                    found.Add(lower);
                }
            }
        }

        return found;
    }

    /// <summary>The number of words this detector would judge in <paramref name="text"/>, for rates.</summary>
    internal static int CountJudged(string text)
    {
        var count = 0;
        foreach (Match match in Token().Matches(text))
        {
            count += match.Value.Split('-').Count(p => p.Length >= MinLength);
        }

        return count;
    }

    private static bool IsPlainWord(string word, bool atSentenceStart)
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
    [GeneratedRegex(@"(?<![\w@/.\\])[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*(?![\w@/\\]|\.\w)", RegexOptions.CultureInvariant, 200)]
    private static partial Regex Token();

    [GeneratedRegex(@"`[^`\n]*`|\b(?:https?|ftp)://\S+|\bwww\.\S+|\S+@\S+\.\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 200)]
    private static partial Regex CodeOrLink();
}
