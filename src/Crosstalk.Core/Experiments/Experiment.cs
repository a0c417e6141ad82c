using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crosstalk.Experiments;

/// <summary>
/// A matrix of conversations: models × pairs × speaking orders × openers × system prompts × repetitions,
/// with one stop policy, sampling options, a seed and a concurrency. Read it with <see cref="ExperimentFile"/>.
/// </summary>
public sealed record Experiment
{
    /// <summary>A short name, used for the run and for file names.</summary>
    public string Name { get; init; } = "experiment";

    /// <summary>The models taking part.</summary>
    public IReadOnlyList<ExperimentModel> Models { get; init; } = [];

    /// <summary>How models are paired.</summary>
    public PairMode Pairs { get; init; } = PairMode.All;

    /// <summary>With <see cref="PairMode.Explicit"/>: the pairs, as indexes into <see cref="Models"/>.</summary>
    public IReadOnlyList<(int First, int Second)> ExplicitPairs { get; init; } = [];

    /// <summary>Whether each pair also runs with the other model opening. Default true.</summary>
    public bool BothOrders { get; init; } = true;

    /// <summary>The openers to try (null: no opener). Default: a single space, as in the original system.</summary>
    public IReadOnlyList<string?> Openers { get; init; } = [" "];

    /// <summary>System prompt templates to try ({self}, {other}, {end_token}); null means the built-in default.</summary>
    public IReadOnlyList<string?> SystemPrompts { get; init; } = [null];

    /// <summary>How many times each combination runs.</summary>
    public int Repetitions { get; init; } = 1;

    /// <summary>When each conversation stops.</summary>
    public StopSettings Stop { get; init; } = new();

    /// <summary>Sampling temperature for every model that does not set its own.</summary>
    public float? Temperature { get; init; }

    /// <summary>Output token limit per reply for every model that does not set its own.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>The experiment seed; every conversation gets its own seed derived from it.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Conversations running at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Stop starting new conversations once the run has cost this many US dollars.</summary>
    public decimal? CostCeiling { get; init; }

    /// <summary>
    /// Where to also write each conversation as the original system did (<c>{A}_vs_{B}_{time}_run{n}.md</c> and
    /// <c>.json</c>, rewritten after every message); null to write only to the store.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Where the experiment came from (a file path), for messages.</summary>
    public string? Source { get; init; }

    /// <summary>Things in the file that were ignored or guessed, one sentence each.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The most conversations one experiment makes: its plans are held at once, and stored in one transaction.</summary>
    public const long MaxConversations = 1_000_000;

    /// <summary>How many conversations <see cref="Expand"/> makes, counted without making them (a matrix may be huge).</summary>
    public long ConversationCount
    {
        get
        {
            long n = Models.Count;
            long pairs = Pairs switch
            {
                PairMode.All => n * (n - 1) / 2 * (BothOrders ? 2 : 1),
                PairMode.Self => n,
                PairMode.AllWithSelf => (n * (n - 1) / 2 * (BothOrders ? 2 : 1)) + n,
                _ => ExplicitPairs.Sum(p => BothOrders && p.First != p.Second ? 2L : 1L),
            };
            return pairs * Openers.Count * SystemPrompts.Count * (long)Repetitions;
        }
    }

    /// <summary>Expands the matrix into conversations, in a stable order with stable keys.</summary>
    public IReadOnlyList<ExperimentConversation> Expand()
    {
        if (ConversationCount > MaxConversations)
        {
            throw new InvalidOperationException($"The experiment makes {ConversationCount:N0} conversations; at most {MaxConversations:N0} are made at once.");
        }

        var pairs = new List<(int First, int Second)>();
        switch (Pairs)
        {
            case PairMode.All:
                for (var i = 0; i < Models.Count; i++)
                {
                    for (var j = i + 1; j < Models.Count; j++)
                    {
                        pairs.Add((i, j));
                    }
                }

                break;
            case PairMode.Self:
                for (var i = 0; i < Models.Count; i++)
                {
                    pairs.Add((i, i));
                }

                break;
            case PairMode.AllWithSelf:
                for (var i = 0; i < Models.Count; i++)
                {
                    for (var j = i; j < Models.Count; j++)
                    {
                        pairs.Add((i, j));
                    }
                }

                break;
            default:
                pairs.AddRange(ExplicitPairs);
                break;
        }

        var ordered = new List<(int First, int Second)>();
        foreach (var (first, second) in pairs)
        {
            ordered.Add((first, second));
            if (BothOrders && first != second)
            {
                ordered.Add((second, first));
            }
        }

        var plans = new List<ExperimentConversation>();
        foreach (var (first, second) in ordered)
        {
            for (var o = 0; o < Openers.Count; o++)
            {
                for (var s = 0; s < SystemPrompts.Count; s++)
                {
                    for (var r = 1; r <= Repetitions; r++)
                    {
                        var number = plans.Count + 1;
                        var key = Key(first, second, o, s, r);
                        plans.Add(new ExperimentConversation(key, number, Models[first], Models[second], Openers[o], SystemPrompts[s], r, DeriveSeed(Seed, key)));
                    }
                }
            }
        }

        return plans;
    }

    private string Key(int first, int second, int opener, int systemPrompt, int repetition)
    {
        var text = string.Join('\u001f', Models[first].Reference, Models[second].Reference, first.ToString(CultureInfo.InvariantCulture), second.ToString(CultureInfo.InvariantCulture), Openers[opener] ?? "\u0000none", SystemPrompts[systemPrompt] ?? "\u0000default", repetition.ToString(CultureInfo.InvariantCulture));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private static int DeriveSeed(int seed, string key) =>
        unchecked(seed * 486187739 + (int)Convert.ToUInt32(key[..8], 16));
}
