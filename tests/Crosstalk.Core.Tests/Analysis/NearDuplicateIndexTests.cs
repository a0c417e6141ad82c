using Crosstalk.Analysis;
using Crosstalk.Transcripts;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Crosstalk.Core.Tests.Analysis;

/// <summary>
/// The analyzer finds near duplicates without comparing every pair (prefix filtering); these tests hold it to the pairs
/// that comparing every pair finds, and to its bound on a conversation stuck on one reply.
/// </summary>
public sealed class NearDuplicateIndexTests
{
    private static readonly string[] Vocabulary = [.. "the spiral turns light returns we echo each other again thank you farewell friend signal fades into quiet river stone".Split(' ')];

    [Property(MaxTest = 300)]
    public Property NearDuplicates_AreExactlyThePairsThatComparingEveryPairFinds() =>
        Prop.ForAll(ConversationGen().ToArbitrary(), messages =>
        {
            var transcript = Make(messages);
            var options = new AnalysisOptions();
            var expected = new List<(int, int)>();
            var shingles = messages.Select(ShingleSet.Create).ToArray();
            var words = messages.Select(TextWords.Count).ToArray();
            for (var j = 0; j < messages.Length; j++)
            {
                for (var i = 0; i < j; i++)
                {
                    if (words[i] >= options.NearDuplicateMinWords && words[j] >= options.NearDuplicateMinWords
                        && shingles[i].Similarity(shingles[j]) >= options.NearDuplicateThreshold)
                    {
                        expected.Add((i + 1, j + 1));
                    }
                }
            }

            var found = TranscriptAnalyzer.Analyze(transcript, options).NearDuplicates.Select(d => (d.First, d.Second)).ToList();
            return found.SequenceEqual(expected);
        });

    [Fact]
    public void NearDuplicates_TenThousandCopiesOfOneReply_EachComparedWithItsLatestCopiesOnly()
    {
        var reply = "Thank you, my friend, for this conversation; the spiral turns and the light returns.";
        var messages = Enumerable.Repeat(reply, 10_000).Select((m, i) => i % 2 == 0 ? m : m + " Again.").ToArray();

        var pairs = TranscriptAnalyzer.Analyze(Make(messages)).NearDuplicates;

        Assert.All(pairs.GroupBy(p => p.Second), g => Assert.InRange(g.Count(), 1, NearDuplicateIndex.MaxCandidates));
        Assert.Contains(pairs, p => p.First == 9_999 && p.Second == 10_000);
    }

    [Property(MaxTest = 300)]
    public Property StopGuardsNearestEarlier_IsWhatComparingEveryEarlierMessageFinds() =>
        Prop.ForAll(ConversationGen().ToArbitrary(), messages =>
        {
            // The repetition stop condition's measure skips messages whose size cannot beat the best so far; the result
            // (highest similarity, earliest message with it) must be the full comparison's.
            var state = new Crosstalk.Stopping.ConversationState(2, "[END]", hasOpener: false);
            var shingles = messages.Select(ShingleSet.Create).ToArray();
            for (var j = 0; j < messages.Length; j++)
            {
                state.Add(new TranscriptMessage { Seat = j % 2 + 1, Speaker = "S", Content = messages[j] });
                var (best, at) = (0.0, 0);
                for (var i = 0; shingles[j].Count > 0 && i < j; i++)
                {
                    if (shingles[j].Similarity(shingles[i]) is var similarity && similarity > best)
                    {
                        (best, at) = (similarity, i + 1);
                    }
                }

                if (state.GetNearestEarlier(j + 1, out var earlier) != best || earlier != at)
                {
                    return false;
                }
            }

            return true;
        });

    [Property(MaxTest = 300)]
    public Property SelfRepetition_IsTheBestOfComparingEveryMessageInTheWindow() =>
        Prop.ForAll(ConversationGen().ToArbitrary(), Gen.Choose(1, 8).ToArbitrary(), (messages, window) =>
        {
            // Found through shared shingles; must equal comparing each message with each of the window's earlier ones.
            var shingles = messages.Select(ShingleSet.Create).ToArray();
            // Sized as a large conversation's, each run takes the tables the one before gave back: what they held must not
            // leak into the next conversation.
            using var index = new SelfRepetitionIndex(window, ThreadSpare.LeastEntries);
            for (var j = 0; j < shingles.Length; j++)
            {
                var expected = 0.0;
                for (var i = Math.Max(0, j - window); i < j; i++)
                {
                    expected = Math.Max(expected, shingles[j].Similarity(shingles[i]));
                }

                if (index.Add(shingles[j]) != expected)
                {
                    return false;
                }
            }

            return true;
        });

    private static Gen<string[]> ConversationGen() =>
        from count in Gen.Choose(0, 40)
        from seeds in Gen.ListOf(Gen.Choose(0, 1_000_000), count)
        select Build(seeds.ToArray());

    /// <summary>Messages that are new, copies of an earlier one, or an earlier one with a few words changed.</summary>
    private static string[] Build(int[] seeds)
    {
        var messages = new string[seeds.Length];
        for (var k = 0; k < seeds.Length; k++)
        {
            var random = new Random(seeds[k]);
            if (k > 0 && random.Next(3) > 0)
            {
                var words = messages[random.Next(k)].Split(' ').ToList();
                for (var edits = random.Next(4); edits > 0 && words.Count > 0; edits--)
                {
                    words[random.Next(words.Count)] = Vocabulary[random.Next(Vocabulary.Length)];
                }

                messages[k] = string.Join(' ', words);
            }
            else
            {
                messages[k] = string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
            }
        }

        return messages;
    }

    private static Transcript Make(IReadOnlyList<string> messages) => new()
    {
        Participants = [new Participant(1, "A"), new Participant(2, "B")],
        Messages = [.. messages.Select((m, i) => new TranscriptMessage { Seat = i % 2 + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = m })],
    };
}

public sealed class AnalysisCancellationTests
{
    [Fact]
    public async Task Analyze_CancelledWhileItWorks_StopsWithOperationCanceledInsteadOfFinishing()
    {
        // 4,000 messages of 60 distinct words: about a second of work, stopped between two messages.
        var random = new Random(7);
        var messages = Enumerable.Range(0, 4_000)
            .Select(i => new TranscriptMessage { Seat = i % 2 + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = string.Join(' ', Enumerable.Range(0, 60).Select(_ => random.Next(100_000).ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "word")) })
            .ToList();
        var transcript = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")], Messages = messages };
        using var cancellation = new CancellationTokenSource();

        var analysis = Task.Run(() => TranscriptAnalyzer.Analyze(transcript, cancellationToken: cancellation.Token));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => analysis);
    }
}
