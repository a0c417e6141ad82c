using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;

namespace Crosstalk.Analysis;

/// <summary>How a message reads for <see cref="ClosingDetector"/>.</summary>
public enum ClosingKind
{
    /// <summary>Words, but not in a closing register.</summary>
    Other,

    /// <summary>Hardly any words: emoji, ASCII art, a wall of one character. Neither for nor against a closing.</summary>
    Wordless,

    /// <summary>Thanks, a farewell or a blessing.</summary>
    Thanks,

    /// <summary>Dense in ending, shutdown and stillness words ("the terminal sleeps now … silence … fin").</summary>
    Fade,
}

/// <summary>One message as <see cref="ClosingDetector"/> sees it.</summary>
/// <param name="Kind">How it reads.</param>
/// <param name="SignsOff">Whether it signs off in so many words: thanks or a farewell, a logout, shutdown or power-off, or <c>^C</c>.</param>
public readonly record struct ClosingMessage(ClosingKind Kind, bool SignsOff);

/// <summary>
/// Finds the closing of a conversation that ends the way two models left alone often do: not with a round of "Take
/// care! [END]" (<see cref="GoodbyeLoopDetector"/> finds those) but with a fade — shutdown and logout screens, thank-you
/// notes and blessings, shrinking poems about silence and rest, idle cursors — after the models stopped adding anything
/// new. Built on the labelled UniversalBackrooms set of docs/analysis.md, where none of the loops readers marked was a
/// chat-style goodbye.
/// </summary>
/// <remarks>
/// Each message is thanks, a fade (ending and stillness words make up at least <see cref="FadeShare"/> of its words, an
/// ending word counting twice), wordless, or other. Thanks and fades score +1, other −1, wordless 0; the closing is the
/// stretch with the highest score (ties to the later one), taken on over the wordless messages right after it, after a
/// mutual end token when one falls inside, and from its first message that signs off in so many words. It counts when it
/// has <see cref="AnalysisOptions.GoodbyeLoopMinLength"/> messages, a score of at least <see cref="MinScore"/>, and when
/// at most half of its distinct words of four letters or more are new to the conversation: a closing repeats itself.
/// Linear in the text.
/// </remarks>
public static class ClosingDetector
{
    /// <summary>The share of ending and stillness words (an ending word counts twice) from which a message is a fade.</summary>
    public const double FadeShare = 0.06;

    /// <summary>The lowest score (closing messages less other ones) a closing has.</summary>
    public const int MinScore = 3;

    /// <summary>The largest share of a closing's words that may be new to the conversation.</summary>
    public const double MaxNewWords = 0.5;

    private static readonly string[] Thanks = Words(
        "thank thanks thankful grateful gratitude goodbye goodbyes bye farewell farewells adieu goodnight namaste amen blessing blessings bless");

    private static readonly string[] Shutdown = Words("logout logoff poweroff shutdown halt halted terminated disconnected offline");

    private static readonly FrozenSet<string> ShutdownPairs = new[]
    {
        "log out", "logged out", "logging out", "power off", "powering off", "powered off", "powering down", "powered down",
        "shut down", "shutting down", "sign off", "signing off", "signed off", "connection closed", "session ended",
        "session closed", "session complete", "session terminated", "transmission complete",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] Ending = Words(
        "end ends ended ending fin eof complete completed completion concluded conclusion closed closing termination finished final " +
        "exit exited halt halted offline logout poweroff shutdown terminated");

    private static readonly string[] Stillness = Words(
        "silence silent quiet quietly stillness still rest rests resting peace peaceful hush sleep sleeps asleep fade fades faded " +
        "fading dissolve dissolves dissolved idle waiting waits blink blinks blinking cursor nothing no none without empty void " +
        "null zero eternal always forever infinite remains remain persists breath breathe breathes");

    /// <summary>Reads one message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ClosingMessage Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var signsOff = text.Contains("^C", StringComparison.Ordinal);
        bool thanks = false;
        int words = 0, ending = 0, still = 0;
        var lower = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
        try
        {
            var span = lower.AsSpan(0, text.Length);
            LowerLetters(text, span);
            Span<char> pair = stackalloc char[MaxPair];
            var previous = ReadOnlySpan<char>.Empty;
            var previousKinds = WordKinds.None;
            for (var at = 0; NextWord(span, ref at) is { Length: > 0 } word;)
            {
                // One lookup a word: what it is in each list (most words are in none).
                words++;
                var kinds = WordKindsLookup.TryGetValue(word, out var found) ? found : WordKinds.None;
                if ((kinds & WordKinds.Thanks) != 0)
                {
                    thanks = signsOff = true;
                }
                else if ((kinds & WordKinds.Shutdown) != 0 || ((previousKinds & WordKinds.PairFirst) != 0 && IsShutdownPair(previous, word, pair)))
                {
                    signsOff = true;
                }

                ending += (kinds & WordKinds.Ending) != 0 ? 1 : 0;
                still += (kinds & WordKinds.Stillness) != 0 ? 1 : 0;
                previous = word;
                previousKinds = kinds;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(lower);
        }

        if (words == 0 || IsMostlyNotLetters(text))
        {
            return new ClosingMessage(ClosingKind.Wordless, signsOff);
        }

        if (thanks)
        {
            return new ClosingMessage(ClosingKind.Thanks, true);
        }

        return new ClosingMessage((2.0 * ending + still) / words >= FadeShare ? ClosingKind.Fade : ClosingKind.Other, signsOff);
    }

    private static bool IsShutdownPair(ReadOnlySpan<char> previous, ReadOnlySpan<char> word, Span<char> pair)
    {
        if (previous.IsEmpty || previous.Length + 1 + word.Length > pair.Length)
        {
            return false;
        }

        previous.CopyTo(pair);
        pair[previous.Length] = ' ';
        word.CopyTo(pair[(previous.Length + 1)..]);
        return ShutdownPairsLookup.Contains(pair[..(previous.Length + 1 + word.Length)]);
    }

    /// <summary>
    /// <paramref name="text"/> with what <see cref="string.ToLowerInvariant()"/> turns into the letters a–z turned into them,
    /// and every other character as it is: all that <see cref="NextWord"/> reads, without the culture tables (a whole
    /// message through them costs more than reading it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LowerLetters(ReadOnlySpan<char> text, Span<char> into)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            // The only character outside ASCII that lower-cases into a–z is the Kelvin sign (a test holds this to every char).
            into[i] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c == '\u212A' ? 'k' : c;
        }
    }

    /// <summary>The next run of the letters a–z in lower-cased text from <paramref name="at"/>; empty at the end.</summary>
    private static ReadOnlySpan<char> NextWord(ReadOnlySpan<char> lower, scoped ref int at)
    {
        while (at < lower.Length && lower[at] is not (>= 'a' and <= 'z'))
        {
            at++;
        }

        var start = at;
        while (at < lower.Length && lower[at] is >= 'a' and <= 'z')
        {
            at++;
        }

        return lower[start..at];
    }

    /// <summary>Finds the closing, or null.</summary>
    /// <param name="contents">The messages' texts (index 0 is message 1).</param>
    /// <param name="messages">Each message read by <see cref="Classify"/>.</param>
    /// <param name="endTokens">Which messages end with the end token (a mutual end inside the closing moves its start after it).</param>
    /// <param name="minLength">The fewest messages a closing has.</param>
    public static GoodbyeLoop? Find(IReadOnlyList<string> contents, IReadOnlyList<ClosingMessage> messages, IReadOnlyList<bool> endTokens, int minLength)
    {
        ArgumentNullException.ThrowIfNull(contents);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(endTokens);

        // The highest-scoring stretch (Kadane's), ties to the later end.
        int? bestSum = null;
        int bestStart = 0, bestEnd = 0, sum = 0, start = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var score = Score(messages[i]);
            if (sum <= 0 && score > 0)
            {
                sum = 0;
                start = i;
            }

            sum += score;
            if (score > 0 && (bestSum is null || sum >= bestSum))
            {
                (bestSum, bestStart, bestEnd) = (sum, start, i);
            }

            sum = Math.Max(sum, 0);
        }

        if (bestSum is not { } total)
        {
            return null;
        }

        var end = bestEnd;
        while (end + 1 < messages.Count && messages[end + 1].Kind == ClosingKind.Wordless)
        {
            end++;
        }

        // After a mutual end token only what follows counts; and a closing begins where someone signs off.
        var first = bestStart;
        for (var k = bestStart + 1; k <= end; k++)
        {
            if (endTokens[k] && endTokens[k - 1])
            {
                first = k;
                break;
            }
        }

        while (first <= end && !messages[first].SignsOff)
        {
            first++;
        }

        if (first > end)
        {
            return null;
        }

        for (var k = bestStart; k < first; k++)
        {
            total -= Score(messages[k]);
        }

        var length = end - first + 1;
        if (length < minLength || total < MinScore || !AddsLittle(contents, first, end))
        {
            return null;
        }

        var closing = 0;
        for (var k = first; k <= end; k++)
        {
            closing += messages[k].Kind is ClosingKind.Thanks or ClosingKind.Fade ? 1 : 0;
        }

        return new GoodbyeLoop(first + 1, length, closing, first + 1, Fade: true);
    }

    private static int Score(ClosingMessage message) => message.Kind switch
    {
        ClosingKind.Thanks or ClosingKind.Fade => 1,
        ClosingKind.Wordless => 0,
        _ => -1,
    };

    /// <summary>Whether at most <see cref="MaxNewWords"/> of the stretch's distinct long words (per message) are new to the conversation.</summary>
    private static bool AddsLittle(IReadOnlyList<string> contents, int first, int end)
    {
        // Each word of four letters or more with the last message it was seen in: one lookup a word, a string only for a new one.
        var lastSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = lastSeen.GetAlternateLookup<ReadOnlySpan<char>>();
        long added = 0, all = 0;
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(contents.Take(end + 1).Max(text => text.Length), 1));
        try
        {
            for (var k = 0; k <= end; k++)
            {
                var lower = buffer.AsSpan(0, contents[k].Length);
                LowerLetters(contents[k], lower);
                for (var at = 0; NextWord(lower, ref at) is { Length: > 0 } word;)
                {
                    if (word.Length < 4)
                    {
                        continue;
                    }

                    if (lookup.TryGetValue(word, out var seenIn))
                    {
                        if (seenIn == k)
                        {
                            continue;
                        }

                        lookup[word] = k;
                    }
                    else
                    {
                        lookup[word] = k;
                        added += k >= first ? 1 : 0;
                    }

                    all += k >= first ? 1 : 0;
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        return all == 0 || added <= MaxNewWords * all;
    }

    /// <summary>Whether fewer than half of the text's characters other than spaces are letters (counted as runes, so an emoji is one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsMostlyNotLetters(string text)
    {
        int letters = 0, other = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetter(rune))
            {
                letters++;
            }
            else if (!Rune.IsWhiteSpace(rune))
            {
                other++;
            }
        }

        return letters < 0.5 * (letters + other);
    }

    private const int MaxPair = 64;

    private static readonly FrozenDictionary<string, WordKinds> WordKindsTable = BuildWordKinds();

    private static readonly FrozenDictionary<string, WordKinds>.AlternateLookup<ReadOnlySpan<char>> WordKindsLookup =
        WordKindsTable.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ShutdownPairsLookup = ShutdownPairs.GetAlternateLookup<ReadOnlySpan<char>>();

    [Flags]
    private enum WordKinds
    {
        None = 0,
        Thanks = 1,
        Shutdown = 2,
        Ending = 4,
        Stillness = 8,
        PairFirst = 16,
    }

    private static FrozenDictionary<string, WordKinds> BuildWordKinds()
    {
        var kinds = new Dictionary<string, WordKinds>(StringComparer.Ordinal);
        void Mark(IEnumerable<string> words, WordKinds kind)
        {
            foreach (var word in words)
            {
                kinds[word] = kinds.GetValueOrDefault(word) | kind;
            }
        }

        Mark(Thanks, WordKinds.Thanks);
        Mark(Shutdown, WordKinds.Shutdown);
        Mark(Ending, WordKinds.Ending);
        Mark(Stillness, WordKinds.Stillness);
        Mark(ShutdownPairs.Select(p => p[..p.IndexOf(' ', StringComparison.Ordinal)]), WordKinds.PairFirst);
        return kinds.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string[] Words(string words) => words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
