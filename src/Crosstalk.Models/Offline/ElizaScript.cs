using System.Globalization;

namespace Crosstalk.Models.Offline;

/// <summary>
/// An ELIZA script in Weizenbaum's 1966 list format: keywords with substitutions and ranks,
/// decomposition and reassembly rules, links, tags, the MEMORY rules and the NONE fallback.
/// Immutable once parsed, so one instance serves every conversation.
/// </summary>
internal sealed class ElizaScript
{
    private const string DoctorResource = "Crosstalk.Models.Offline.Resources.doctor.txt";

    private static readonly Lazy<ElizaScript> LazyDoctor = new(() => Parse(ReadResource(DoctorResource)));

    private ElizaScript(
        string greeting,
        Dictionary<string, ElizaKeyword> keywords,
        Dictionary<string, HashSet<string>> tags,
        string memoryKeyword,
        List<ElizaMemoryRule> memoryRules,
        int decompositionCount)
    {
        Greeting = greeting;
        Keywords = keywords;
        Tags = tags;
        MemoryKeyword = memoryKeyword;
        MemoryRules = memoryRules;
        DecompositionCount = decompositionCount;
    }

    /// <summary>Weizenbaum's DOCTOR script, bundled as a resource.</summary>
    public static ElizaScript Doctor => LazyDoctor.Value;

    /// <summary>The opening remark, also the answer to a blank message.</summary>
    public string Greeting { get; }

    /// <summary>Every entry by its word (case-insensitive), including NONE.</summary>
    public IReadOnlyDictionary<string, ElizaKeyword> Keywords { get; }

    /// <summary>Tag name → the words carrying it (from DLIST), e.g. FAMILY → MOTHER, FATHER, ….</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Tags { get; }

    /// <summary>The keyword whose use lays down a memory (MY).</summary>
    public string MemoryKeyword { get; }

    public IReadOnlyList<ElizaMemoryRule> MemoryRules { get; }

    /// <summary>How many decomposition rules exist, each numbered by <see cref="ElizaDecomposition.Id"/>.</summary>
    public int DecompositionCount { get; }

    public ElizaKeyword None => Keywords["NONE"];

    public static ElizaScript Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = new SExpressionReader(text).ReadAll();
        if (items.Count < 2 || items[0] is not SList greetingList || items[1] is not SAtom { Text: "START" })
        {
            throw new InvalidDataException("An ELIZA script starts with the greeting list followed by START.");
        }

        var greeting = string.Join(' ', greetingList.Items.Select(AtomText));
        var keywords = new Dictionary<string, ElizaKeyword>(StringComparer.OrdinalIgnoreCase);
        var tags = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var memoryKeyword = string.Empty;
        var memoryRules = new List<ElizaMemoryRule>();
        var decompositionId = 0;

        foreach (var item in items.Skip(2))
        {
            if (item is not SList entry)
            {
                throw Error(item.Line, "expected a keyword list");
            }

            if (entry.Items.Count == 0)
            {
                break;
            }

            var word = AtomText(entry.Items[0]);
            if (word == "MEMORY")
            {
                memoryKeyword = AtomText(entry.Items[1]);
                foreach (var rule in entry.Items.Skip(2))
                {
                    memoryRules.Add(ParseMemoryRule(rule));
                }

                continue;
            }

            var keyword = new ElizaKeyword(word);
            var i = 1;
            if (i < entry.Items.Count && entry.Items[i] is SAtom { Text: "=" })
            {
                keyword.Substitute = ElizaText.NormalizeScriptWord(AtomText(entry.Items[i + 1]));
                i += 2;
            }

            if (i < entry.Items.Count && entry.Items[i] is SAtom rank && int.TryParse(rank.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var rankValue))
            {
                keyword.Rank = rankValue;
                i++;
            }

            if (i < entry.Items.Count && entry.Items[i] is SAtom { Text: "DLIST" })
            {
                foreach (var tag in TagNames((SList)entry.Items[i + 1]))
                {
                    if (!tags.TryGetValue(tag, out var words))
                    {
                        words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                        tags.Add(tag, words);
                    }

                    words.Add(word);
                }

                i += 2;
            }

            for (; i < entry.Items.Count; i++)
            {
                if (entry.Items[i] is not SList rule || rule.Items.Count == 0)
                {
                    throw Error(entry.Items[i].Line, $"unexpected item in the entry for {word}");
                }

                if (LinkTarget(rule) is { } link)
                {
                    keyword.Link = link;
                }
                else if (rule.Items[0] is SList pattern)
                {
                    var reassemblies = rule.Items.Skip(1).Select(ParseReassembly).ToList();
                    keyword.Rules.Add(new ElizaDecomposition(decompositionId++, ParsePattern(pattern), reassemblies));
                }
                else
                {
                    throw Error(rule.Line, $"a rule of {word} is neither a decomposition nor a link");
                }
            }

            keywords[word] = keyword;
        }

        if (!keywords.ContainsKey("NONE"))
        {
            throw new InvalidDataException("An ELIZA script needs a NONE entry.");
        }

        return new ElizaScript(greeting, keywords, tags, memoryKeyword, memoryRules, decompositionId);
    }

    private static ElizaMemoryRule ParseMemoryRule(SNode node)
    {
        var list = (SList)node;
        var equals = list.Items.FindIndex(n => n is SAtom { Text: "=" });
        if (equals < 0)
        {
            throw Error(node.Line, "a MEMORY rule needs '=' between pattern and reassembly");
        }

        var pattern = ParsePattern(new SList([.. list.Items.Take(equals)], list.Line));
        return new ElizaMemoryRule(pattern, [.. list.Items.Skip(equals + 1).Select(AtomText)]);
    }

    private static List<ElizaPatternElement> ParsePattern(SList pattern)
    {
        var elements = new List<ElizaPatternElement>();
        foreach (var node in pattern.Items)
        {
            if (node is SAtom atom)
            {
                elements.Add(int.TryParse(atom.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                    ? ElizaPatternElement.Wildcard(count)
                    : ElizaPatternElement.Literal(atom.Text));
                continue;
            }

            var words = ((SList)node).Items.Select(AtomText).ToList();
            if (words.Count > 0 && words[0].StartsWith('*'))
            {
                words[0] = words[0][1..];
                elements.Add(ElizaPatternElement.AnyOf(words.Where(w => w.Length > 0)));
            }
            else if (words.Count > 0 && words[0].StartsWith('/'))
            {
                elements.Add(ElizaPatternElement.Tagged(TagNames((SList)node)));
            }
            else
            {
                throw Error(node.Line, "a pattern list must start with * (any of) or / (tag)");
            }
        }

        return elements;
    }

    private static ElizaReassembly ParseReassembly(SNode node)
    {
        if (node is not SList list)
        {
            throw Error(node.Line, "a reassembly rule must be a list");
        }

        if (LinkTarget(list) is { } link)
        {
            return new ElizaReassembly(ElizaReassemblyKind.Link, [], link);
        }

        if (list.Items is [SAtom { Text: "NEWKEY" }])
        {
            return new ElizaReassembly(ElizaReassemblyKind.NewKey, [], null);
        }

        if (list.Items is [SAtom { Text: "PRE" }, SList template, SList target] && LinkTarget(target) is { } preLink)
        {
            return new ElizaReassembly(ElizaReassemblyKind.Pre, [.. template.Items.Select(AtomText)], preLink);
        }

        return new ElizaReassembly(ElizaReassemblyKind.Text, [.. list.Items.Select(AtomText)], null);
    }

    /// <summary>The keyword of <c>(=KEY)</c> or <c>(= KEY)</c>, or null when the list is not a link.</summary>
    private static string? LinkTarget(SList list) => list.Items switch
    {
        [SAtom { Text: "=" }, SAtom target] => target.Text,
        [SAtom single] when single.Text.Length > 1 && single.Text[0] == '=' => single.Text[1..],
        _ => null,
    };

    private static IEnumerable<string> TagNames(SList list)
    {
        foreach (var word in list.Items.Select(AtomText))
        {
            var name = word.TrimStart('/');
            if (name.Length > 0)
            {
                yield return name;
            }
        }
    }

    private static string AtomText(SNode node) =>
        node is SAtom atom ? atom.Text : throw Error(node.Line, "expected a word, found a list");

    private static InvalidDataException Error(int line, string problem) => new($"ELIZA script line {line}: {problem}.");

    private static string ReadResource(string name)
    {
        using var stream = typeof(ElizaScript).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource {name} is missing from Crosstalk.Models.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private abstract record SNode(int Line);

    private sealed record SAtom(string Text, int Line) : SNode(Line);

    private sealed record SList(List<SNode> Items, int Line) : SNode(Line);

    /// <summary>Reads the list syntax: parentheses, atoms separated by blanks, ';' comments to the end of a line.</summary>
    private sealed class SExpressionReader(string text)
    {
        private int _position;
        private int _line = 1;

        public List<SNode> ReadAll()
        {
            var nodes = new List<SNode>();
            while (Next() is { } node)
            {
                nodes.Add(node);
            }

            return nodes;
        }

        private SNode? Next()
        {
            SkipBlanks();
            if (_position >= text.Length)
            {
                return null;
            }

            var c = text[_position];
            if (c == ')')
            {
                throw Error(_line, "unbalanced ')'");
            }

            if (c == '(')
            {
                var line = _line;
                _position++;
                var items = new List<SNode>();
                while (true)
                {
                    SkipBlanks();
                    if (_position >= text.Length)
                    {
                        throw Error(line, "list is never closed");
                    }

                    if (text[_position] == ')')
                    {
                        _position++;
                        return new SList(items, line);
                    }

                    items.Add(Next()!);
                }
            }

            var start = _position;
            while (_position < text.Length && !char.IsWhiteSpace(text[_position]) && text[_position] is not '(' and not ')')
            {
                _position++;
            }

            return new SAtom(text[start.._position], _line);
        }

        private void SkipBlanks()
        {
            while (_position < text.Length)
            {
                var c = text[_position];
                if (c == '\n')
                {
                    _line++;
                    _position++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    _position++;
                }
                else if (c == ';')
                {
                    while (_position < text.Length && text[_position] != '\n')
                    {
                        _position++;
                    }
                }
                else
                {
                    return;
                }
            }
        }
    }
}
