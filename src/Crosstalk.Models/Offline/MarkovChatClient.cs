using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Offline;

/// <summary>
/// A stand-in model that needs no key or network: a word-level Markov chain (order 2, falling back to 1)
/// trained on a bundled corpus of small talk, or on a folder of transcripts.
/// </summary>
/// <remarks>
/// A reply is 1–3 sentences and starts, when it can, from a word of the last user message, so it seems to
/// respond. It depends only on the seed and the conversation so far, so a rerun or a resumed conversation
/// gets the same reply. The chain is built once per client (the bundled one once per process).
/// </remarks>
public sealed class MarkovChatClient : OfflineChatClient
{
    /// <summary>The model id the Markov agent reports.</summary>
    public const string ModelId = "offline:markov";

    /// <summary>Messages a conversation must hold before the Markov agent may end it with the end token.</summary>
    public const int MessagesBeforeEnding = 6;


    private readonly MarkovModel _model;
    private readonly int _seed;
    private readonly int _maxWords;

    /// <exception cref="DirectoryNotFoundException">The corpus directory does not exist.</exception>
    /// <exception cref="InvalidOperationException">The corpus directory holds no messages to learn from.</exception>
    public MarkovChatClient(MarkovOptions? options = null)
        : base(ModelId)
    {
        options ??= new MarkovOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxWords, 1, nameof(options));
        _seed = options.Seed;
        _maxWords = options.MaxWords;
        _model = options.CorpusDirectory is null
            ? MarkovModel.Bundled
            : TrainOnDirectory(options.CorpusDirectory, options.ReadMessages ?? TranscriptMessageSplitter.ReadMessages);
    }

    internal MarkovModel Model => _model;

    internal override string Reply(IReadOnlyList<ChatMessage> history, ChatOptions? options)
    {
        var hash = StableRandom.Fnv(string.Empty);
        foreach (var message in history)
        {
            hash = StableRandom.Fnv(message.Role.Value, hash);
            hash = StableRandom.Fnv("\u0001", hash);
            hash = StableRandom.Fnv(message.Text, hash);
            hash = StableRandom.Fnv("\u0002", hash);
        }

        var seed = StableRandom.Mix(_seed, hash);
        var ownWords = history
            .Where(m => m.Role == ChatRole.Assistant)
            .SelectMany(m => m.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var endToken = OfflineStreaming.FindEndToken(history, options);
        var prompt = OfflineStreaming.LastUserText(history);

        // A conversation that has barely begun is not ended by a stray farewell: draw again (deterministically).
        var mayEnd = history.Count(m => m.Role != ChatRole.System) >= MessagesBeforeEnding;
        for (var draw = 0UL; ; draw++)
        {
            var text = _model.Generate(prompt, ownWords, seed + (draw * 0x9E3779B97F4A7C15UL), _maxWords, endToken);
            if (mayEnd || draw == 7 || !text.Contains(endToken, StringComparison.Ordinal))
            {
                return text;
            }
        }
    }

    private static MarkovModel TrainOnDirectory(string directory, Func<string, IEnumerable<string>> readMessages)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The corpus directory '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var model = MarkovModel.Train(files.SelectMany(readMessages).Where(m => !string.IsNullOrWhiteSpace(m)));
        if (model.SentenceCount == 0)
        {
            throw new InvalidOperationException($"The corpus directory '{directory}' holds no .md or .txt transcripts with messages to learn from.");
        }

        return model;
    }
}
