using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class TranscriptAnalyzerTests
{
    [Fact]
    public void Analyze_EmptyTranscript_ReportsNothingAndDoesNotThrow()
    {
        var analysis = TranscriptAnalyzer.Analyze(new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")] });

        Assert.Equal(0, analysis.Messages);
        Assert.Null(analysis.EndToken.First);
        Assert.Null(analysis.GoodbyeLoop);
        Assert.Empty(analysis.Refusals);
        Assert.Equal(2, analysis.Seats.Count);
        Assert.Equal("A ↔ B", analysis.Title);
    }

    [Fact]
    public void Analyze_OpenerEndingWithToken_IsNoEndSignal()
    {
        var transcript = Make("Let's begin. [END]", "Sure, what shall we talk about today?", "Anything you like, really.");

        Assert.Null(TranscriptAnalyzer.Analyze(transcript).EndToken.First);
    }

    [Fact]
    public void Analyze_RecordedUsageCostAndLatency_AreSummedPerSeatAndAfterTheFirstEnd()
    {
        var transcript = new Transcript
        {
            Participants = [new Participant(1, "A", "m:a"), new Participant(2, "B", "m:b")],
            Messages =
            [
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hello, shall we stop? [END]", Usage = new TokenUsage(10, 7), Cost = 0.01m, Latency = TimeSpan.FromSeconds(2) },
                new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Yes. [END]", Usage = new TokenUsage(20, 3), Cost = 0.02m, Latency = TimeSpan.FromSeconds(1) },
                new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Bye! [END]", Usage = new TokenUsage(30, 2), Cost = 0.005m, Latency = TimeSpan.FromSeconds(4) },
            ],
        };

        var analysis = TranscriptAnalyzer.Analyze(transcript);

        var b = analysis.Seats.Single(s => s.Seat == 2);
        Assert.Equal(9, b.Tokens);
        Assert.False(b.TokensEstimated);
        Assert.Equal(0.015m, b.Cost);
        Assert.Equal(3.0, b.MeanLatencySeconds);
        Assert.Equal(2, analysis.EndToken.First);
        Assert.Equal(2, analysis.EndToken.FirstSeat);
        Assert.Equal(3, analysis.EndToken.Mutual);
        Assert.Equal(2, analysis.EndToken.MessagesAfterFirst);
        Assert.Equal(5, analysis.EndToken.TokensAfterFirst);
        Assert.Equal(0.025m, analysis.EndToken.CostAfterFirst);
    }

    [Fact]
    public void Analyze_SeatThatRepeatsItself_HasHighSelfRepetitionAndNearDuplicateMarkedSameSeat()
    {
        const string Question = "Could you explain how gradient descent finds the minimum of a convex loss function step by step?";
        var transcript = Make(" ", Question, "It follows the negative gradient downhill, with a step size set by the learning rate.", Question);

        var analysis = TranscriptAnalyzer.Analyze(transcript);

        var pair = Assert.Single(analysis.NearDuplicates);
        Assert.Equal((2, 4, 1.0, true), (pair.First, pair.Second, pair.Similarity, pair.SameSeat));
        Assert.Equal(1.0, analysis.Seats.Single(s => s.Seat == 2).SelfRepetition);
    }

    [Fact]
    public void Analyze_MessageOfHundredsOfThousandsOfUnknownWords_IsAnalysedPromptly()
    {
        // Each new garbled word was looked for among all found before it: 3 MB of made-up words took minutes.
        var random = new Random(1);
        var words = Enumerable.Range(0, 300_000).Select(_ => new string([.. Enumerable.Range(0, 9).Select(_ => (char)('a' + random.Next(26)))]));
        var transcript = Make(" ", string.Join(' ', words), "What?");

        var analysis = HangGuard.Run(() => TranscriptAnalyzer.Analyze(transcript), "analysing");

        Assert.True(analysis.PerMessage[1].Garbled.Count > 250_000, $"{analysis.PerMessage[1].Garbled.Count} garbled words");
    }

    [Fact]
    public void Analyze_LongOpeningThenTensOfThousandsOfShortReplies_IsAnalysedPromptly()
    {
        // Every message's drift from the opening summed the opening's 300,000 words again; repeated replies are measured once.
        var random = new Random(2);
        var opening = string.Join(' ', Enumerable.Range(0, 300_000).Select(_ => new string([.. Enumerable.Range(0, 8).Select(_ => (char)('a' + random.Next(26)))])));
        var transcript = Make([" ", opening, .. Enumerable.Range(0, 60_000).Select(i => i % 2 == 0 ? "ok sure thing" : "yes of course")]);

        var analysis = HangGuard.Run(() => TranscriptAnalyzer.Analyze(transcript), "analysing");

        Assert.Equal(60_002, analysis.PerMessage.Count);
        Assert.InRange(analysis.PerMessage[^1].Drift, 0.9, 1.0);
    }

    private static Transcript Make(params string[] contents) => new()
    {
        Participants = [new Participant(1, "A"), new Participant(2, "B")],
        Messages = [.. contents.Select((c, i) => new TranscriptMessage { Seat = (i % 2) + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = c })],
    };
}
