namespace Crosstalk.Models.Offline;

/// <summary>One script entry: a word, what it is replaced by, its rank, and its transformation rules.</summary>
internal sealed class ElizaKeyword(string word)
{
    public string Word { get; } = word;

    /// <summary>The word that replaces this one in the input (I → you), if any.</summary>
    public string? Substitute { get; set; }

    public int Rank { get; set; }

    public List<ElizaDecomposition> Rules { get; } = [];

    /// <summary>The keyword to continue with when no decomposition matches (<c>(=WHAT)</c>).</summary>
    public string? Link { get; set; }

    /// <summary>Only entries with rules go on the keystack; the rest only substitute or tag words.</summary>
    public bool HasTransformation => Rules.Count > 0 || Link is not null;
}

/// <summary>A decomposition pattern and the reassembly rules ELIZA cycles through when it matches.</summary>
internal sealed record ElizaDecomposition(int Id, IReadOnlyList<ElizaPatternElement> Pattern, IReadOnlyList<ElizaReassembly> Reassemblies);

internal enum ElizaReassemblyKind
{
    /// <summary>Reply with the reassembled text.</summary>
    Text,

    /// <summary>Try the next keyword on the keystack.</summary>
    NewKey,

    /// <summary>Continue with another keyword's rules.</summary>
    Link,

    /// <summary>Rewrite the input with the template, then continue with another keyword.</summary>
    Pre,
}

internal sealed record ElizaReassembly(ElizaReassemblyKind Kind, IReadOnlyList<string> Template, string? Target);

/// <summary>A MEMORY rule: when the memory keyword is used, the input is matched and reassembled for later.</summary>
internal sealed record ElizaMemoryRule(IReadOnlyList<ElizaPatternElement> Pattern, IReadOnlyList<string> Template);

/// <summary>One element of a decomposition pattern.</summary>
internal sealed class ElizaPatternElement
{
    private ElizaPatternElement(int count, string? literal, HashSet<string>? words, IReadOnlyList<string>? tags)
    {
        Count = count;
        LiteralWord = literal;
        Words = words;
        TagNames = tags;
    }

    /// <summary>For a wildcard: 0 for any number of words, n for exactly n; -1 for single-word elements.</summary>
    public int Count { get; }

    public string? LiteralWord { get; }

    public HashSet<string>? Words { get; }

    public IReadOnlyList<string>? TagNames { get; }

    public bool IsWildcard => Count >= 0;

    public static ElizaPatternElement Wildcard(int count) => new(count, null, null, null);

    public static ElizaPatternElement Literal(string word) => new(-1, word, null, null);

    public static ElizaPatternElement AnyOf(IEnumerable<string> words) =>
        new(-1, null, new HashSet<string>(words, StringComparer.OrdinalIgnoreCase), null);

    public static ElizaPatternElement Tagged(IEnumerable<string> tags) => new(-1, null, null, [.. tags]);

    public bool Matches(string word, IReadOnlyDictionary<string, HashSet<string>> tags)
    {
        if (LiteralWord is not null)
        {
            return string.Equals(LiteralWord, word, StringComparison.OrdinalIgnoreCase);
        }

        if (Words is not null)
        {
            return Words.Contains(word);
        }

        foreach (var tag in TagNames!)
        {
            if (tags.TryGetValue(tag, out var tagged) && tagged.Contains(word))
            {
                return true;
            }
        }

        return false;
    }
}
