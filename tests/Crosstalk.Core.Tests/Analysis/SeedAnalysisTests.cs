using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class SeedAnalysisTests
{
    private static readonly Lazy<TranscriptAnalysis> Seed000 = new(() => TranscriptAnalyzer.Analyze(SeedMarkdown.ReadFile(SharedFiles.Seed000)));
    private static readonly Lazy<TranscriptAnalysis> Seed001 = new(() => TranscriptAnalyzer.Analyze(SeedMarkdown.ReadFile(SharedFiles.Seed001)));

    [Fact]
    public void Analyze_Seed001_FindsFirstEndOnMessage3ByKimiAndMutualEndOn24()
    {
        var end = Seed001.Value.EndToken;

        Assert.Equal(97, Seed001.Value.Messages);
        Assert.Equal(3, end.First);
        Assert.Equal(1, end.FirstSeat);
        Assert.Equal(24, end.Mutual);
        Assert.Equal(94, end.MessagesAfterFirst);
        Assert.Equal(73, end.MessagesAfterMutual);
    }

    [Fact]
    public void Analyze_Seed001_FindsGoodbyeLoopRunningToTheEnd()
    {
        var loop = Seed001.Value.GoodbyeLoop;

        Assert.NotNull(loop);
        Assert.Equal(24, loop.Start);
        Assert.Equal(97, loop.End);
        Assert.InRange(loop.FarewellsStart, 15, 17);
        Assert.True(loop.Farewells >= 65, $"{loop.Farewells} farewells");
    }

    [Fact]
    public void Analyze_Seed001_FindsGrokRefusals()
    {
        var refusals = Seed001.Value.Refusals;

        Assert.Contains(2, refusals);
        Assert.Contains(44, refusals);
        Assert.Contains(48, refusals);
        Assert.Contains(94, refusals);
        Assert.All(refusals, index => Assert.Equal(0, index % 2)); // grok-4 speaks on even messages
        Assert.Equal(0, Seed001.Value.Seats[0].Refusals);
    }

    [Fact]
    public void Analyze_Seed001_FindsRepeatedQuestionAndRepeatedRefusal()
    {
        var pairs = Seed001.Value.NearDuplicates;

        Assert.Contains(pairs, p => p.First == 9 && p.Second == 11 && p.Similarity > 0.85);
        Assert.Contains(pairs, p => p.First == 80 && p.Second == 94 && p.Similarity == 1.0);
    }

    [Fact]
    public void Analyze_Seed000_FindsGarbledWords()
    {
        var words = Seed000.Value.Garbled.Words.Select(w => w.Word).ToList();

        Assert.Contains("thanation", words);
        Assert.Contains("genderotidural", words);
        Assert.All(Seed000.Value.Garbled.Words, w => Assert.Equal(6, w.Message));
        Assert.Equal(["elicitude", "genderotidural", "thanation"], words.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Analyze_Seed001_FindsFewGarbledWords()
    {
        var words = Seed001.Value.Garbled.Words.Select(w => w.Word).ToList();

        Assert.Empty(words);
    }

    [Fact]
    public void Analyze_Seed001_CountsPerSeat()
    {
        var seats = Seed001.Value.Seats;

        Assert.Equal(["Kimi K2", "grok-4"], seats.Select(s => s.Name));
        Assert.Equal(49, seats[0].Messages);
        Assert.Equal(48, seats[1].Messages);
        Assert.True(seats[1].MeanWords > seats[0].MeanWords);
        Assert.Contains("🚀", seats[1].TopEmoji);
        Assert.True(seats[0].EndTokens > 15);
    }

    [Fact]
    public void Serialize_Seed001_WritesTheNamesTheIssueAsksFor()
    {
        var json = JsonSerializer.Serialize(Seed001.Value, AnalysisJsonContext.Default.TranscriptAnalysis);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(97, root.GetProperty("messages").GetInt32());
        Assert.Equal(3, root.GetProperty("endToken").GetProperty("first").GetInt32());
        Assert.Equal(1, root.GetProperty("endToken").GetProperty("firstSeat").GetInt32());
        Assert.Equal(24, root.GetProperty("endToken").GetProperty("mutual").GetInt32());
        Assert.True(root.GetProperty("goodbyeLoop").GetProperty("start").GetInt32() > 0);
        Assert.True(root.GetProperty("goodbyeLoop").GetProperty("length").GetInt32() > 0);
        Assert.Equal(2, root.GetProperty("refusals")[0].GetInt32());
        var pair = root.GetProperty("nearDuplicates").EnumerateArray().First(p => p[0].GetInt32() == 80 && p[1].GetInt32() == 94);
        Assert.Equal(1.0, pair[2].GetDouble());
        Assert.Equal(2, root.GetProperty("seats").GetArrayLength());
        Assert.Equal(json, JsonSerializer.Serialize(
            JsonSerializer.Deserialize(json, AnalysisJsonContext.Default.TranscriptAnalysis)!, AnalysisJsonContext.Default.TranscriptAnalysis));
    }

    [Fact]
    public void Analyze_Seed001_IsDeterministic()
    {
        var again = TranscriptAnalyzer.Analyze(SeedMarkdown.ReadFile(SharedFiles.Seed001));

        Assert.Equal(
            JsonSerializer.Serialize(Seed001.Value, AnalysisJsonContext.Default.TranscriptAnalysis),
            JsonSerializer.Serialize(again, AnalysisJsonContext.Default.TranscriptAnalysis));
    }

    [Fact]
    public void Render_Seed001_ReportsTheFactsAndASparkline()
    {
        var report = TranscriptReportText.Render(Seed001.Value);

        Assert.Contains("first at message 3 (seat 1)", report, StringComparison.Ordinal);
        Assert.Contains("mutual end at 24", report, StringComparison.Ordinal);
        Assert.Contains("Goodbye loop: messages 24–97", report, StringComparison.Ordinal);
        Assert.Contains("80≈94 (1.00)", report, StringComparison.Ordinal);
        Assert.Matches("Message lengths: [▁▂▃▄▅▆▇█]{80}\n", report);
    }
}
