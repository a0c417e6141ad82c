using System.Text;

namespace Crosstalk.Models.Offline;

/// <summary>
/// A word-level Markov chain of order 2 (falling back to order 1) over sentences, immutable once trained.
/// Words keep their punctuation, so sentences end where a word ends with '.', '!' or '?', and the end
/// token <c>[END]</c> stays attached to the sentence before it (it follows farewells).
/// </summary>
internal sealed class MarkovModel
{
    private const string BundledResource = "Crosstalk.Models.Offline.Resources.smalltalk.txt";
    private const int Start = 0;
    private const int End = 1;
    private const int MaxPrefix = 4;

    private static readonly Lazy<MarkovModel> LazyBundled = new(() => Train(ReadBundledLines()));

    private static readonly HashSet<string> StopWords = new(
        ["the", "and", "you", "your", "yours", "that", "this", "what", "with", "for", "are", "was", "were", "but", "not",
         "have", "has", "had", "about", "they", "them", "their", "there", "then", "than", "which", "would", "could",
         "should", "just", "like", "very", "into", "from", "some", "more", "most", "much", "also", "too", "its", "it's",
         "i'm", "i've", "don't", "does", "did", "can", "will", "how", "why", "who", "when", "where", "yes", "our", "out",
         "all", "any", "one", "way", "think", "really", "maybe", "something", "thing", "things", "here", "well", "sure"],
        StringComparer.Ordinal);

    private readonly string[] _vocabulary;
    private readonly int[][] _sentences;
    private readonly Dictionary<long, int[]> _second;
    private readonly Dictionary<int, int[]> _first;
    private readonly Dictionary<string, (int Sentence, int Position)[]> _openings;

    private MarkovModel(string[] vocabulary, int[][] sentences, Dictionary<long, int[]> second, Dictionary<int, int[]> first,
        Dictionary<string, (int, int)[]> openings)
    {
        _vocabulary = vocabulary;
        _sentences = sentences;
        _second = second;
        _first = first;
        _openings = openings;
    }

    /// <summary>The model of the bundled small-talk corpus, built once per process on first use.</summary>
    public static MarkovModel Bundled => LazyBundled.Value;

    public int SentenceCount => _sentences.Length;

    /// <summary>Every word the chain can produce.</summary>
    public IEnumerable<string> Vocabulary => _vocabulary.Skip(2);

    public static MarkovModel Train(IEnumerable<string> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal) { ["<s>"] = Start, ["</s>"] = End };
        var vocabulary = new List<string> { "<s>", "</s>" };
        var sentences = new List<int[]>();
        foreach (var message in messages)
        {
            foreach (var sentence in Sentences(message))
            {
                sentences.Add([.. sentence.Select(word =>
                {
                    if (!ids.TryGetValue(word, out var id))
                    {
                        id = vocabulary.Count;
                        ids.Add(word, id);
                        vocabulary.Add(word);
                    }

                    return id;
                })]);
            }
        }

        var second = new Dictionary<long, List<int>>();
        var first = new Dictionary<int, List<int>>();
        var openings = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        for (var s = 0; s < sentences.Count; s++)
        {
            var sentence = sentences[s];
            int a = Start, b = Start;
            for (var i = 0; i <= sentence.Length; i++)
            {
                var next = i < sentence.Length ? sentence[i] : End;
                Add(second, Key(a, b), next);
                Add(first, b, next);
                a = b;
                b = next;
                if (i < sentence.Length && i < MaxPrefix && Normalize(vocabulary[next]) is { } key)
                {
                    Add(openings, key, (s, i));
                }
            }
        }

        return new MarkovModel(
            [.. vocabulary],
            [.. sentences],
            second.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            first.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            openings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal));
    }

    /// <summary>
    /// Generates 1–3 sentences. When a word of <paramref name="prompt"/> opens a sentence of the corpus
    /// (within its first few words), the reply starts with that sentence, so it seems to answer.
    /// </summary>
    /// <param name="prompt">The partner's last message.</param>
    /// <param name="ownWords">What the agent said before: words the partner only echoes back are not taken
    /// up again, or a partner like ELIZA that reflects every phrase would lock both into a loop.</param>
    /// <param name="seed">The random stream's seed.</param>
    /// <param name="maxWords">The most words in the reply.</param>
    /// <param name="endToken">Written where the corpus says <c>[END]</c>.</param>
    public string Generate(string? prompt, IEnumerable<string> ownWords, ulong seed, int maxWords, string endToken)
    {
        var random = new StableRandom(seed);
        var target = 1 + random.Next(3);
        var words = new List<string>();
        var sentences = 0;
        int a = Start, b = Start;

        var cues = Cues(prompt, ownWords);
        if (cues.Count > 0)
        {
            // Long words carry the topic ("octopuses" rather than "tell").
            var longest = cues.Max(c => c.Length);
            var topical = cues.Where(c => c.Length == longest).ToList();
            var cue = topical[random.Next(topical.Count)];
            var places = _openings[cue];
            var (sentence, position) = places[random.Next(places.Length)];
            for (var i = 0; i <= position; i++)
            {
                words.Add(_vocabulary[_sentences[sentence][i]]);
                a = b;
                b = _sentences[sentence][i];
            }
        }

        while (sentences < target && words.Count < maxWords && (words.Count == 0 || words[^1] != OfflineStreaming.DefaultEndToken))
        {
            var next = Next(a, b, random);
            if (next == End)
            {
                sentences++;
                a = b = Start;
                continue;
            }

            words.Add(_vocabulary[next]);
            a = b;
            b = next;
        }

        if (words.Count >= maxWords && !EndsSentence(words[^1]))
        {
            var lastEnd = words.FindLastIndex(EndsSentence);
            if (lastEnd >= 0)
            {
                words.RemoveRange(lastEnd + 1, words.Count - lastEnd - 1);
            }
            else
            {
                words[^1] += "…";
            }
        }

        var text = new StringBuilder(string.Join(' ', words));
        if (text.Length > 0)
        {
            text[0] = char.ToUpperInvariant(text[0]);
        }

        return endToken == OfflineStreaming.DefaultEndToken ? text.ToString() : text.Replace(OfflineStreaming.DefaultEndToken, endToken).ToString();
    }

    private int Next(int a, int b, StableRandom random)
    {
        if (_second.TryGetValue(Key(a, b), out var choices) || _first.TryGetValue(b, out choices))
        {
            return choices[random.Next(choices.Length)];
        }

        return End;
    }

    /// <summary>The prompt's content words that open some corpus sentence, in order of appearance.</summary>
    private List<string> Cues(string? prompt, IEnumerable<string> ownWords)
    {
        var cues = new List<string>();
        if (string.IsNullOrWhiteSpace(prompt))
        {
            return cues;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in ownWords)
        {
            if (Normalize(word) is { } key)
            {
                used.Add(key);
            }
        }

        foreach (var word in prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (Normalize(word) is { } key && _openings.ContainsKey(key) && !used.Contains(key) && !cues.Contains(key))
            {
                cues.Add(key);
            }
        }

        return cues;
    }

    /// <summary>A lower-case, punctuation-free form of a content word, or null for short and common words.</summary>
    private static string? Normalize(string word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        var key = builder.ToString().Trim('\'');
        return key.Length < 3 || StopWords.Contains(key) ? null : key;
    }

    private static IEnumerable<List<string>> Sentences(string message)
    {
        var words = message.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var sentence = new List<string>();
        for (var i = 0; i < words.Length; i++)
        {
            sentence.Add(words[i]);
            var endTokenFollows = i + 1 < words.Length && words[i + 1] == OfflineStreaming.DefaultEndToken;
            if (EndsSentence(words[i]) && !endTokenFollows)
            {
                yield return sentence;
                sentence = [];
            }
        }

        if (sentence.Count > 0)
        {
            yield return sentence;
        }
    }

    private static bool EndsSentence(string word)
    {
        if (word == OfflineStreaming.DefaultEndToken)
        {
            return true;
        }

        var trimmed = word.TrimEnd('"', '\'', ')', ']', '*', '_', '”', '’');
        return trimmed.Length > 0 && trimmed[^1] is '.' or '!' or '?';
    }

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        list.Add(value);
    }

    private static IEnumerable<string> ReadBundledLines()
    {
        using var stream = typeof(MarkovModel).Assembly.GetManifestResourceStream(BundledResource)
            ?? throw new InvalidOperationException($"The resource {BundledResource} is missing from Crosstalk.Models.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line) && !line.StartsWith('#'))
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
