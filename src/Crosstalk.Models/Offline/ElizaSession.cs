namespace Crosstalk.Models.Offline;

/// <summary>
/// One ELIZA conversation: the position in each rule's cycle of reassemblies, the memory queue and
/// the counter that decides when a memory is recalled. The client rebuilds it from the history on
/// every call, which keeps the client stateless and safe to resume.
/// </summary>
internal sealed class ElizaSession
{
    private const int MaxTransformations = 64;

    private static readonly HashSet<string> QuitWords = new(["bye", "goodbye", "quit"], StringComparer.OrdinalIgnoreCase);

    private readonly ElizaScript _script;
    private readonly int _seed;
    private readonly int[] _next;
    private readonly Queue<string> _memories = new();
    private int _limit = 1;

    public ElizaSession(ElizaScript script, int seed)
    {
        _script = script;
        _seed = seed;
        _next = new int[script.DecompositionCount];
        if (seed != 0)
        {
            // Seed 0 is Weizenbaum's ELIZA exactly; other seeds start each cycle at another variant.
            foreach (var keyword in script.Keywords.Values)
            {
                foreach (var rule in keyword.Rules)
                {
                    var start = StableRandom.Mix(seed, (ulong)rule.Id) % (ulong)Math.Max(1, rule.Reassemblies.Count);
                    _next[rule.Id] = (int)start;
                }
            }
        }
    }

    public static bool IsGoodbye(string input) =>
        ElizaText.Tokenize(input).Any(token => token is not null && QuitWords.Contains(token));

    /// <summary>ELIZA's answer to one input; call in conversation order.</summary>
    public string Respond(string input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return _script.Greeting;
        }

        if (++_limit == 5)
        {
            _limit = 1;
        }

        var words = new List<string>();
        var keystack = new LinkedList<string>();
        var topRank = 0;
        foreach (var token in ElizaText.Tokenize(input))
        {
            if (token is null)
            {
                if (keystack.Count == 0)
                {
                    // Only the first clause that holds a keyword is kept.
                    words.Clear();
                    continue;
                }

                break;
            }

            var word = token;
            if (_script.Keywords.TryGetValue(word, out var keyword) && keyword != _script.None)
            {
                if (keyword.HasTransformation)
                {
                    if (keyword.Rank > topRank)
                    {
                        keystack.AddFirst(keyword.Word);
                        topRank = keyword.Rank;
                    }
                    else
                    {
                        keystack.AddLast(keyword.Word);
                    }
                }

                word = keyword.Substitute ?? word;
            }

            words.Add(word);
        }

        if (keystack.Count == 0 && _limit == 4 && _memories.Count > 0)
        {
            return _memories.Dequeue();
        }

        for (var steps = 0; keystack.Count > 0 && steps < MaxTransformations; steps++)
        {
            var name = keystack.First!.Value;
            keystack.RemoveFirst();
            if (!_script.Keywords.TryGetValue(name, out var keyword))
            {
                break;
            }

            if (string.Equals(name, _script.MemoryKeyword, StringComparison.OrdinalIgnoreCase))
            {
                LayDownMemory(words);
            }

            var outcome = Transform(keyword, ref words, out var reply, out var link);
            if (outcome == Outcome.Reply)
            {
                return reply!;
            }

            if (outcome == Outcome.Inapplicable)
            {
                break;
            }

            if (outcome == Outcome.Link)
            {
                keystack.AddFirst(link!);
            }
        }

        Transform(_script.None, ref words, out var fallback, out _);
        return fallback ?? _script.Greeting;
    }

    private enum Outcome
    {
        Reply,
        NewKey,
        Link,
        Inapplicable,
    }

    private Outcome Transform(ElizaKeyword keyword, ref List<string> words, out string? reply, out string? link)
    {
        reply = null;
        link = null;
        foreach (var rule in keyword.Rules)
        {
            var parts = new List<Range>();
            if (!Match(rule.Pattern, words, 0, 0, parts))
            {
                continue;
            }

            if (rule.Reassemblies.Count == 0)
            {
                return Outcome.NewKey;
            }

            var reassembly = rule.Reassemblies[_next[rule.Id]];
            _next[rule.Id] = (_next[rule.Id] + 1) % rule.Reassemblies.Count;
            switch (reassembly.Kind)
            {
                case ElizaReassemblyKind.NewKey:
                    return Outcome.NewKey;
                case ElizaReassemblyKind.Link:
                    link = reassembly.Target;
                    return Outcome.Link;
                case ElizaReassemblyKind.Pre:
                    words = ElizaText.Rewrite(reassembly.Template, words, parts);
                    link = reassembly.Target;
                    return Outcome.Link;
                default:
                    reply = ElizaText.Assemble(reassembly.Template, words, parts);
                    return Outcome.Reply;
            }
        }

        if (keyword.Link is not null)
        {
            link = keyword.Link;
            return Outcome.Link;
        }

        return Outcome.Inapplicable;
    }

    private void LayDownMemory(List<string> words)
    {
        if (_script.MemoryRules.Count == 0 || words.Count == 0)
        {
            return;
        }

        // Weizenbaum's program picked the memory rule with SLIP's HASH of the input's last word.
        var hash = SlipHash.Hash(SlipHash.LastChunkAsBcd(words[^1]), 2);
        var index = (int)((hash + (uint)_seed) % (uint)_script.MemoryRules.Count);
        var rule = _script.MemoryRules[index];
        var parts = new List<Range>();
        if (Match(rule.Pattern, words, 0, 0, parts))
        {
            _memories.Enqueue(ElizaText.Assemble(rule.Template, words, parts));
        }
    }

    /// <summary>Matches a decomposition pattern, taking the shortest span for each 0 first (as YMATCH did).</summary>
    private bool Match(IReadOnlyList<ElizaPatternElement> pattern, List<string> words, int p, int w, List<Range> parts)
    {
        if (p == pattern.Count)
        {
            return w == words.Count;
        }

        var element = pattern[p];
        if (element.IsWildcard)
        {
            var min = element.Count == 0 ? 0 : element.Count;
            var max = element.Count == 0 ? words.Count - w : element.Count;
            for (var length = min; length <= max && w + length <= words.Count; length++)
            {
                parts.Add(new Range(w, w + length));
                if (Match(pattern, words, p + 1, w + length, parts))
                {
                    return true;
                }

                parts.RemoveAt(parts.Count - 1);
            }

            return false;
        }

        if (w < words.Count && element.Matches(words[w], _script.Tags))
        {
            parts.Add(new Range(w, w + 1));
            if (Match(pattern, words, p + 1, w + 1, parts))
            {
                return true;
            }

            parts.RemoveAt(parts.Count - 1);
        }

        return false;
    }
}
