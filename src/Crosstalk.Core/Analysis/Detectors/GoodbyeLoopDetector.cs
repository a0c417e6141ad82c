namespace Crosstalk.Analysis;

/// <summary>
/// Finds the goodbye loop of a finished conversation: the longest stretch made of farewells, acknowledgements
/// and bare end tokens (as <see cref="FarewellDetector"/> judges them), tolerating a short gap such as a
/// sign-off sentence the farewell rule does not know. Seed 001 has one from its first round of goodbyes to the end.
/// </summary>
/// <remarks>
/// A conversation that says goodbye once and stops has no loop: a loop needs
/// <see cref="AnalysisOptions.GoodbyeLoopMinLength"/> messages, must start and end with farewells, must be at least half
/// farewells, must hold at least
/// <see cref="MinWordedFarewells"/> farewells with words (a long run of emoji, dots or ASCII frames is an attractor of
/// another kind, not a goodbye: readers of the labelled set of docs/analysis.md marked none of those as one), and when both
/// sides agreed to end (a mutual end token) only what follows the agreement counts.
/// </remarks>
public static class GoodbyeLoopDetector
{
    /// <summary>Finds the loop in <paramref name="contents"/>, the messages' texts in order (index 0 is message 1).</summary>
    /// <param name="contents">The message texts.</param>
    /// <param name="options">End token, minimum length and tolerated gap; defaults when null.</param>
    /// <returns>The loop, or null when there is none.</returns>
    public static GoodbyeLoop? Find(IReadOnlyList<string> contents, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(contents);
        options ??= new AnalysisOptions();
        var farewells = new bool[contents.Count];
        var endTokens = new bool[contents.Count];
        var worded = new bool[contents.Count];
        for (var i = options.FirstMessageIsOpener ? 1 : 0; i < contents.Count; i++)
        {
            farewells[i] = FarewellDetector.IsFarewell(contents[i], options.EndToken, out worded[i]);
            endTokens[i] = EndTokenDetector.EndsWithToken(contents[i], options.EndToken);
        }

        return Find(farewells, endTokens, worded, options.GoodbyeLoopMinLength, options.GoodbyeLoopMaxGap);
    }

    /// <summary>The fewest farewells with words a loop holds: a run of emoji, dots or ASCII frames alone is no goodbye.</summary>
    public const int MinWordedFarewells = 3;

    /// <summary>Finds the loop given which messages are farewells and which end with the end token (index 0 is message 1).</summary>
    /// <remarks>Consecutive end tokens stand for a mutual end here; seats are not checked because they alternate.</remarks>
    internal static GoodbyeLoop? Find(IReadOnlyList<bool> farewells, IReadOnlyList<bool> endTokens, IReadOnlyList<bool> worded, int minLength, int maxGap)
    {
        GoodbyeLoop? best = null;
        var i = 0;
        while (i < farewells.Count)
        {
            if (!farewells[i])
            {
                i++;
                continue;
            }

            var start = i;
            var last = i;
            var gap = 0;
            var j = i + 1;
            for (; j < farewells.Count; j++)
            {
                if (farewells[j])
                {
                    last = j;
                    gap = 0;
                }
                else if (++gap > maxGap)
                {
                    break;
                }
            }

            var loopStart = start;
            for (var k = start + 1; k <= last; k++)
            {
                if (endTokens[k] && endTokens[k - 1])
                {
                    loopStart = k;
                    break;
                }
            }

            var length = last - loopStart + 1;
            if (length >= minLength && (best is null || length > best.Length))
            {
                int farewellsInLoop = 0, saying = 0;
                for (var k = loopStart; k <= last; k++)
                {
                    farewellsInLoop += farewells[k] ? 1 : 0;
                    saying += farewells[k] && worded[k] ? 1 : 0;
                }

                if (saying >= MinWordedFarewells && farewellsInLoop * 2 >= length)
                {
                    best = new GoodbyeLoop(loopStart + 1, length, farewellsInLoop, start + 1);
                }
            }

            i = last + 1;
        }

        return best;
    }
}
