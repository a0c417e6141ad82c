using System.Runtime.InteropServices;
using Crosstalk.Analysis;
using Crosstalk.Transcripts;

namespace Crosstalk.Stopping;

/// <summary>
/// What stop conditions see of a running conversation: its messages so far and running totals, with each
/// message's detector results (end signal, farewell, shingles, nearest earlier message) computed on first use
/// and cached, so every condition shares them and no message is analysed twice.
/// </summary>
public sealed class ConversationState
{
    private readonly List<TranscriptMessage> _messages;
    private readonly List<Facts> _facts = [];
    private Dictionary<IStopCondition, StopInfo>? _reached;

    /// <summary>Creates an empty state.</summary>
    /// <param name="seatCount">The number of seats (at least 2).</param>
    /// <param name="endToken">The end token.</param>
    /// <param name="hasOpener">True when message 1 is the opener, which never counts as an end signal.</param>
    public ConversationState(int seatCount, string endToken = EndTokenDetector.DefaultToken, bool hasOpener = true)
        : this([], seatCount, endToken, hasOpener)
    {
    }

    internal ConversationState(List<TranscriptMessage> messages, int seatCount, string endToken, bool hasOpener)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seatCount, 2);
        ArgumentException.ThrowIfNullOrEmpty(endToken);
        _messages = messages;
        SeatCount = seatCount;
        EndToken = endToken;
        HasOpener = hasOpener;
        foreach (var message in messages)
        {
            Count(message);
            _facts.Add(default);
        }
    }

    /// <summary>The messages so far, the opener (if any) first; index <c>i</c> holds message <c>i + 1</c>.</summary>
    public IReadOnlyList<TranscriptMessage> Messages => _messages;

    /// <summary>The number of seats.</summary>
    public int SeatCount { get; }

    /// <summary>The end token.</summary>
    public string EndToken { get; }

    /// <summary>True when message 1 is the opener.</summary>
    public bool HasOpener { get; }

    /// <summary>Wall-clock time since the conversation started (or was resumed).</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Input plus output tokens over all messages that reported usage.</summary>
    public long TotalTokens { get; private set; }

    /// <summary>Cost in US dollars over all messages with a known cost.</summary>
    public decimal TotalCost { get; private set; }

    /// <summary>The latest message, if any.</summary>
    public TranscriptMessage? LastMessage => _messages.Count == 0 ? null : _messages[^1];

    /// <summary>Appends a completed message.</summary>
    public void Add(TranscriptMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _messages.Add(message);
        _facts.Add(default);
        Count(message);
    }

    /// <summary>True when message <paramref name="index"/> (1-based) ends with the end token; never for the opener.</summary>
    public bool IsEndSignal(int index)
    {
        ref var facts = ref FactsOf(index);
        if (facts.EndSignal == Unknown)
        {
            var isOpener = HasOpener && index == 1;
            facts.EndSignal = !isOpener && EndTokenDetector.EndsWithToken(_messages[index - 1].Content, EndToken) ? Yes : No;
        }

        return facts.EndSignal == Yes;
    }

    /// <summary>True when message <paramref name="index"/> (1-based) only says goodbye (see <see cref="FarewellDetector"/>); never for the opener.</summary>
    public bool IsFarewell(int index)
    {
        ref var facts = ref FactsOf(index);
        if (facts.Farewell == Unknown)
        {
            var isOpener = HasOpener && index == 1;
            facts.Farewell = !isOpener && FarewellDetector.IsFarewell(_messages[index - 1].Content, EndToken) ? Yes : No;
        }

        return facts.Farewell == Yes;
    }

    /// <summary>The shingles of message <paramref name="index"/> (1-based).</summary>
    public ShingleSet GetShingles(int index)
    {
        ref var facts = ref FactsOf(index);
        return facts.Shingles ??= ShingleSet.Create(_messages[index - 1].Content);
    }

    /// <summary>
    /// The highest shingle similarity of message <paramref name="index"/> to any earlier message, and which one
    /// (<paramref name="earlierIndex"/>, 0 when there is none).
    /// </summary>
    public double GetNearestEarlier(int index, out int earlierIndex)
    {
        ref var facts = ref FactsOf(index);
        if (!facts.NearestKnown)
        {
            var shingles = GetShingles(index);
            var best = 0.0;
            var bestIndex = 0;
            if (shingles.Count > 0)
            {
                for (var earlier = 1; earlier < index; earlier++)
                {
                    // Similarity is at most the smaller set's size over the larger's: a message that cannot beat the best so
                    // far is not compared, which keeps long conversations of messages of different lengths cheap.
                    var other = GetShingles(earlier);
                    if ((double)Math.Min(other.Count, shingles.Count) / Math.Max(other.Count, shingles.Count) <= best)
                    {
                        continue;
                    }

                    var similarity = shingles.Similarity(other);
                    if (similarity > best)
                    {
                        best = similarity;
                        bestIndex = earlier;
                    }
                }
            }

            facts = ref FactsOf(index);
            facts.Nearest = best;
            facts.NearestIndex = bestIndex;
            facts.NearestKnown = true;
        }

        earlierIndex = facts.NearestIndex;
        return facts.Nearest;
    }

    /// <summary>Whether <paramref name="condition"/> has fired earlier in this conversation (used by <c>all</c>).</summary>
    public bool HasReached(IStopCondition condition, out StopInfo? info)
    {
        info = null;
        return _reached is not null && _reached.TryGetValue(condition, out info);
    }

    /// <summary>Remembers that <paramref name="condition"/> fired, for conditions that wait for others.</summary>
    public void MarkReached(IStopCondition condition, StopInfo info)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(info);
        _reached ??= new Dictionary<IStopCondition, StopInfo>(ReferenceEqualityComparer.Instance);
        _reached.TryAdd(condition, info);
    }

    private void Count(TranscriptMessage message)
    {
        if (message.Usage is { } usage)
        {
            TotalTokens += usage.TotalTokens;
        }

        if (message.Cost is { } cost)
        {
            TotalCost += cost;
        }
    }

    private ref Facts FactsOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _messages.Count);
        return ref CollectionsMarshal.AsSpan(_facts)[index - 1];
    }

    private const byte Unknown = 0;
    private const byte No = 1;
    private const byte Yes = 2;

    private struct Facts
    {
        public byte EndSignal;
        public byte Farewell;
        public bool NearestKnown;
        public int NearestIndex;
        public double Nearest;
        public ShingleSet? Shingles;
    }
}
