using System.Globalization;
using System.Text;

namespace Crosstalk.Storage.Sql;

/// <summary>
/// Turns what a user typed into something the database can match without ever becoming SQL or query syntax:
/// words for full-text search, or a LIKE pattern for text without letters or digits.
/// </summary>
internal static class SearchText
{
    private const int SnippetRadius = 80;


    /// <summary>
    /// The text without NUL characters: a database string ends at the first one, so a query of only NUL was a query of
    /// nothing that matched everything.
    /// </summary>
    public static string Clean(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text;

    /// <summary>True when full-text search can take part: the text has a letter or digit.</summary>
    public static bool UsesFullText(string text) => text.Any(char.IsLetterOrDigit);

    /// <summary>
    /// The terms that must also match literally: those with characters a tokenizer drops (<c>[END]</c>, <c>don't</c>,
    /// <c>---</c>), so that searching for <c>[END]</c> does not find every "end", and phrases, so that their words match
    /// together and in order.
    /// </summary>
    public static IEnumerable<string> LiteralTerms(string text) =>
        SearchTerms.Of(text).Where(term => !term.All(char.IsLetterOrDigit)).Distinct(StringComparer.Ordinal);

    /// <summary>An FTS5 query of the terms, each a quoted string (a phrase, for several words), so that no term is read as an operator.</summary>
    public static string Fts5Query(string text)
    {
        var builder = new StringBuilder();
        foreach (var term in SearchTerms.Of(text).Where(t => t.Any(char.IsLetterOrDigit)))
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append('"').Append(term.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        return builder.ToString();
    }

    /// <summary>A LIKE pattern (escape character <c>\</c>) that matches the text anywhere.</summary>
    public static string LikePattern(string text)
    {
        var builder = new StringBuilder("%");
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('%').ToString();
    }

    /// <summary>An excerpt of <paramref name="content"/> around the first term found, on one line.</summary>
    public static string Snippet(string content, string query)
    {
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        var options = SearchTerms.Comparison;
        var at = compare.IndexOf(content, query.Trim(), options);
        if (at < 0)
        {
            foreach (var term in SearchTerms.Of(query))
            {
                at = compare.IndexOf(content, term, options);
                if (at >= 0)
                {
                    break;
                }
            }
        }

        at = Math.Max(at, 0);
        var start = Math.Max(0, at - SnippetRadius);
        var end = Math.Min(content.Length, at + SnippetRadius);
        var excerpt = content[start..end].ReplaceLineEndings(" ").Trim();
        return (start > 0 ? "…" : "") + excerpt + (end < content.Length ? "…" : "");
    }
}
