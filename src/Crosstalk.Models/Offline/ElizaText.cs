using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Crosstalk.Models.Offline;

/// <summary>Word handling for ELIZA: splitting input, writing script words, assembling replies.</summary>
internal static partial class ElizaText
{
    /// <summary>
    /// Script words are written in capitals; in a reply they read in lower case, except the pronoun I
    /// and its contractions.
    /// </summary>
    public static string NormalizeScriptWord(string word)
    {
        var lower = word.ToLowerInvariant();
        return lower == "i" || lower.StartsWith("i'", StringComparison.Ordinal) ? "I" + lower[1..] : lower;
    }

    /// <summary>
    /// Words and clause delimiters of an input, in order. A delimiter is returned as null. The first word of
    /// a clause loses its capital unless it looks like a name or an acronym, so echoes read naturally.
    /// </summary>
    public static List<string?> Tokenize(string input)
    {
        var tokens = new List<string?>();
        var clauseStart = true;
        foreach (Match match in Token().Matches(input))
        {
            var value = match.Value;
            if (value.Length == 1 && ".,;:?!".Contains(value[0], StringComparison.Ordinal))
            {
                tokens.Add(null);
                clauseStart = true;
                continue;
            }

            var word = value.Replace('’', '\'');
            if (string.Equals(word, "but", StringComparison.OrdinalIgnoreCase))
            {
                // Weizenbaum's ELIZA treated BUT like a comma.
                tokens.Add(null);
                clauseStart = true;
                continue;
            }

            if (clauseStart && word.Length > 1 && char.IsUpper(word[0]) && !word.Skip(1).Any(char.IsUpper))
            {
                word = NormalizeScriptWord(word);
            }

            tokens.Add(word);
            clauseStart = false;
        }

        return tokens;
    }

    /// <summary>Builds a reply from a reassembly template and the matched parts of the input.</summary>
    public static string Assemble(IReadOnlyList<string> template, IReadOnlyList<string> words, IReadOnlyList<Range> parts)
    {
        var builder = new StringBuilder();
        foreach (var atom in template)
        {
            var text = atom;
            if (ComponentReference().Match(atom) is { Success: true } reference)
            {
                var component = Component(reference.Groups[2].Value, words, parts);
                text = reference.Groups[1].Value + string.Join(' ', component) + reference.Groups[3].Value;
            }

            if (text.Length == 0)
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(text);
        }

        var reply = SpaceBeforePunctuation().Replace(builder.ToString(), "$1");
        return reply.Length == 0 ? reply : char.ToUpperInvariant(reply[0]) + reply[1..];
    }

    /// <summary>Builds a new word list (for PRE) from a template and the matched parts of the input.</summary>
    public static List<string> Rewrite(IReadOnlyList<string> template, IReadOnlyList<string> words, IReadOnlyList<Range> parts)
    {
        var result = new List<string>();
        foreach (var atom in template)
        {
            if (int.TryParse(atom, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                result.AddRange(Component(atom, words, parts));
            }
            else
            {
                result.Add(NormalizeScriptWord(atom));
            }
        }

        return result;
    }

    private static IEnumerable<string> Component(string number, IReadOnlyList<string> words, IReadOnlyList<Range> parts)
    {
        var index = int.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture) - 1;
        if (index < 0 || index >= parts.Count)
        {
            return [];
        }

        var (offset, length) = parts[index].GetOffsetAndLength(words.Count);
        return words.Skip(offset).Take(length);
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*|[.,;:?!]")]
    private static partial Regex Token();

    [GeneratedRegex(@"^([^\p{L}\p{N}]*)(\d+)([^\p{L}\p{N}]*)$")]
    private static partial Regex ComponentReference();

    [GeneratedRegex(@"\s+([.,;:?!])")]
    private static partial Regex SpaceBeforePunctuation();
}
