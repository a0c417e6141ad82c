using System.IO.Compression;
using System.Text;

namespace Crosstalk.Analysis;

/// <summary>
/// The English word list shipped with Crosstalk (SCOWL via Debian's wamerican-large; see
/// <c>Analysis/Resources/NOTICE.txt</c>), with the simple morphology needed so that inflected and derived
/// forms of listed words count as words.
/// </summary>
internal sealed class EnglishWordList
{
    private const string ResourceName = "Crosstalk.Analysis.Resources.english-words.txt.gz";

    private static readonly Lazy<EnglishWordList> Shared = new(Load);

    // Suffix, what replaces it. No "-ation": the list holds the real ones, and "thane" + "-ation" made "thanation" pass.: "-ied" → "y", "-ing" → "" or "e", and so on. Tried longest first.
    private static readonly (string Suffix, string[] Replacements)[] Suffixes =
    [
        ("ization", ["ize"]), ("isation", ["ise", "ize"]), ("fulness", ["ful", ""]),
        ("iveness", ["ive"]), ("ousness", ["ous"]), ("ability", ["able"]), ("ibility", ["ible"]),
        ("ically", ["ic", "ical"]), ("nesses", ["ness"]),
        ("ments", [""]), ("ment", ["", "e"]), ("ness", ["", "y"]), ("less", ["", "e"]), ("ful", [""]),
        ("ings", ["", "e"]), ("ing", ["", "e"]), ("ied", ["y"]), ("ies", ["y"]), ("ier", ["y"]), ("iest", ["y"]),
        ("ily", ["y"]), ("ly", ["", "le", "e"]), ("ed", ["", "e"]), ("er", ["", "e"]), ("ers", ["", "e"]),
        ("est", ["", "e"]), ("es", ["", "e"]), ("s", [""]), ("able", ["", "e", "ate"]), ("ible", ["", "e"]),
        ("ize", ["", "e", "y"]), ("ise", ["", "e", "y"]), ("ized", ["", "e", "y"]), ("izing", ["", "e", "y"]),
        ("ity", ["", "e"]), ("ism", ["", "e"]), ("ist", ["", "e", "y"]), ("ists", ["", "e", "y"]),
        ("al", ["", "e"]), ("ally", ["", "e"]), ("ic", ["", "e", "y"]), ("ive", ["", "e"]), ("ish", ["", "e"]),
        ("wise", [""]), ("like", [""]), ("ward", [""]), ("wards", [""]),
    ];

    private static readonly string[] Prefixes =
    [
        "un", "re", "non", "pre", "post", "over", "under", "multi", "sub", "super", "inter", "intra", "anti", "de", "dis",
        "mis", "co", "meta", "self", "semi", "hyper", "micro", "macro", "mini", "mega", "auto", "counter", "cross",
        "out", "up", "down", "pseudo", "proto", "quasi", "trans", "ultra", "in", "im", "il", "ir", "bi", "tri", "mono", "poly",
    ];

    // Words of the field models talk about most, missing from a 2020 general dictionary.
    private static readonly string[] Supplement =
    [
        "logit", "qubit", "tokenizer", "tokenize", "detokenize", "embedding", "finetune", "dataset", "hyperparameter",
        "backprop", "backpropagation", "chatbot", "overfit", "underfit", "softmax", "transformer", "multimodal",
        "pretrain", "pretraining", "jailbreak", "roleplay", "worldbuilding", "metadata", "runtime", "codebase",
        "workflow", "username", "webpage", "website", "online", "offline", "email", "smartphone", "blockchain",
        "cryptocurrency", "emoji", "selfie", "podcast", "livestream", "hashtag", "app", "apps", "wiki", "inbox",
        "sublinear", "subreddit", "upvote", "downvote", "crowdsource", "opensource", "interpretability",
        "explainability", "alignment", "misalignment", "sycophancy", "sycophantic", "hallucinate", "confabulate",
        "recursion", "recursive", "iterate", "heuristic", "stochastic", "bayesian", "priors", "posterior",
    ];

    private readonly HashSet<string> _words;

    // No regular form is longer: two listed words, a suffix, and a prefix at each of the three levels. A longer "word" (a
    // model's wall of letters) is unknown at once, instead of being split at every position at every level.
    private readonly int _longestForm;

    private EnglishWordList(HashSet<string> words)
    {
        _words = words;
        var longest = words.Max(w => w.Length);
        _longestForm = (2 * longest) + Suffixes.Max(s => s.Suffix.Length) + (3 * Prefixes.Max(p => p.Length));
    }

    /// <summary>The list, loaded once per process.</summary>
    public static EnglishWordList Instance => Shared.Value;

    /// <summary>How many entries the list has.</summary>
    public int Count => _words.Count;

    /// <summary>Whether <paramref name="lowerWord"/> (lower-case letters) is a word or a regular form of one.</summary>
    public bool IsKnown(string lowerWord) => IsKnown(lowerWord, depth: 0);

    private bool IsKnown(string word, int depth)
    {
        if (word.Length > _longestForm)
        {
            return false;
        }

        // A function word is no stem: "than" + "-ation" is not English.
        if (_words.Contains(word))
        {
            return depth == 0 || !LexicalMeasures.StopWords.Contains(word);
        }

        if (depth >= 3 || word.Length < 4)
        {
            return false;
        }

        foreach (var (suffix, replacements) in Suffixes)
        {
            if (word.Length - suffix.Length < 2 || !word.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var stem = word[..^suffix.Length];
            foreach (var replacement in replacements)
            {
                if (IsKnown(stem + replacement, depth + 1))
                {
                    return true;
                }
            }

            // "fitting" → "fit", "stopped" → "stop".
            if (stem.Length >= 3 && stem[^1] == stem[^2] && IsKnown(stem[..^1], depth + 1))
            {
                return true;
            }
        }

        foreach (var prefix in Prefixes)
        {
            if (word.Length - prefix.Length >= 3 && word.StartsWith(prefix, StringComparison.Ordinal) && IsKnown(word[prefix.Length..], depth + 1))
            {
                return true;
            }
        }

        return IsCompound(word, depth);
    }

    // "dataset", "codebase": two listed words of at least three letters each.
    private bool IsCompound(string word, int depth)
    {
        if (depth > 1 || word.Length < 6)
        {
            return false;
        }

        for (var split = 3; split <= word.Length - 3; split++)
        {
            var rest = word[split..];
            if (_words.Contains(word[..split]) && (_words.Contains(rest) || IsKnown(rest, depth + 2)))
            {
                return true;
            }
        }

        return false;
    }

    private static EnglishWordList Load()
    {
        using var stream = typeof(EnglishWordList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded word list {ResourceName} is missing from Crosstalk.Core.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var words = new HashSet<string>(140_000, StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                words.Add(line);
            }
        }

        words.UnionWith(Supplement);
        return new EnglishWordList(words);
    }
}
