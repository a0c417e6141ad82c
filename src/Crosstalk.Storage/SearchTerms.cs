using System.Globalization;

namespace Crosstalk.Storage;

/// <summary>What a search query looks for, and where a text holds it: one reading for the store's search and the pages that show its hits.</summary>
public static class SearchTerms
{
    /// <summary>How the search compares text: case and accents are ignored.</summary>
    public const CompareOptions Comparison = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace;

    /// <summary>
    /// The terms of the query: words separated by whitespace, or a phrase in double quotes (<c>"probabilistic
    /// forecasting"</c>), which matches as written; an unclosed quote runs to the end.
    /// </summary>
    public static string[] Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end;
                var words = text[(i + 1)..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length > 0)
                {
                    terms.Add(string.Join(' ', words));
                }

                i = end + 1;
                continue;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
            {
                i++;
            }

            terms.Add(text[start..i]);
        }

        return [.. terms];
    }

    /// <summary>
    /// Where <paramref name="text"/> holds any of <paramref name="terms"/>, as the search matches them: a word as a whole
    /// word, any other term (with punctuation or spaces) as written; case and accents ignored. Ranges in order, overlapping
    /// ones merged, so a page can mark them.
    /// </summary>
    public static IReadOnlyList<(int Start, int Length)> Find(string text, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(terms);
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        var ranges = new List<(int Start, int End)>();
        foreach (var term in terms)
        {
            if (term.Length == 0)
            {
                continue;
            }

            var word = term.All(char.IsLetterOrDigit);
            for (var at = 0; at < text.Length;)
            {
                var found = compare.IndexOf(text.AsSpan(at), term, Comparison, out var length);
                if (found < 0 || length == 0)
                {
                    break;
                }

                var index = at + found;
                var end = index + length;
                if (!word || ((index == 0 || !char.IsLetterOrDigit(text[index - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end]))))
                {
                    ranges.Add((index, end));
                }

                at = index + 1;
            }
        }

        ranges.Sort();
        var merged = new List<(int Start, int Length)>();
        foreach (var (start, end) in ranges)
        {
            if (merged.Count > 0 && start <= merged[^1].Start + merged[^1].Length)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, Math.Max(last.Start + last.Length, end) - last.Start);
            }
            else
            {
                merged.Add((start, end - start));
            }
        }

        return merged;
    }
}
