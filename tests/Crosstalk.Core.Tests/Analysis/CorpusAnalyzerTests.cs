using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class CorpusAnalyzerTests
{
    private static string Sample => Path.Combine(AppContext.BaseDirectory, "Analysis", "Backrooms");

    [Fact]
    public void Analyze_BackroomsSample_CountsStopReasonsLengthsAndLoops()
    {
        var corpus = CorpusAnalyzer.Analyze(UniversalBackroomsReader.ReadDirectory(Sample));

        Assert.Equal(3, corpus.Conversations);
        Assert.Equal(12 + 5 + 5, corpus.Messages);
        Assert.Equal([new CountRow("max-messages", 2), new CountRow("end-token", 1)], corpus.StopReasons);
        Assert.Equal([new CountRow("5", 2), new CountRow("12", 1)], corpus.Lengths);
        Assert.Equal(1, corpus.GoodbyeLoops);
    }

    [Fact]
    public void Analyze_BackroomsSample_BuildsModelAndPairTables()
    {
        var corpus = CorpusAnalyzer.Analyze(UniversalBackroomsReader.ReadDirectory(Sample));

        Assert.Equal(["gpt5", "k2", "opus"], corpus.Models.Select(m => m.Model));
        var opus = corpus.Models.Single(m => m.Model == "opus");
        Assert.Equal(2, opus.Conversations); // opus ↔ opus is one conversation of opus (both seats), and one with k2
        var logs = UniversalBackroomsReader.ReadDirectory(Sample).ToList();
        Assert.Equal(logs.Sum(t => t.Messages.Count(m => t.Participants.Single(p => p.Seat == m.Seat).Model == "opus")), opus.Messages);
        Assert.Equal(1, opus.ConversationsWithRefusal);
        var k2 = corpus.Models.Single(m => m.Model == "k2");
        Assert.Equal(0, k2.ConversationsWithRefusal);
        Assert.Contains("🌙", k2.TopEmoji);
        Assert.Equal(["gpt5 ↔ k2", "k2 ↔ opus", "opus ↔ opus"], corpus.Pairs.Select(p => p.Pair));
        Assert.Equal(1.0, corpus.Pairs.Single(p => p.Pair == "opus ↔ opus").RefusalRate);
        Assert.Equal(1.0, corpus.Pairs.Single(p => p.Pair == "k2 ↔ opus").GoodbyeLoopRate);
        Assert.Equal(0.0, corpus.Pairs.Single(p => p.Pair == "gpt5 ↔ k2").RefusalRate); // a quoted "I'm sorry, but" is no refusal
    }

    [Fact]
    public void Analyze_Seeds_CountsMessagesAfterFirstEndPerModel()
    {
        var corpus = CorpusAnalyzer.Analyze([SeedMarkdown.ReadFile(SharedFiles.Seed000), SeedMarkdown.ReadFile(SharedFiles.Seed001)]);

        Assert.Equal(2, corpus.Conversations);
        Assert.Equal(0, corpus.MessagesAfterFirstEnd - 94); // seed 000 ends on its first end token
        Assert.Contains(new CountRow("3", 1), corpus.FirstEndMessages);
        Assert.Contains(new CountRow("6", 1), corpus.FirstEndMessages);
        var grok = corpus.Models.Single(m => m.Model == "grok-4");
        Assert.True(grok.TokensAfterFirstEnd > 0);
        Assert.True(grok.RefusalRate > 0.2, $"refusal rate {grok.RefusalRate}");
        Assert.Contains("🚀", grok.TopEmoji);
    }

    [Fact]
    public async Task AnalyzeAsync_Stream_SameResultAsSynchronous()
    {
        var expected = CorpusAnalyzer.Analyze(UniversalBackroomsReader.ReadDirectory(Sample));

        var actual = await CorpusAnalyzer.AnalyzeAsync(Stream(UniversalBackroomsReader.ReadDirectory(Sample)));

        Assert.Equal(
            JsonSerializer.Serialize(expected, AnalysisJsonContext.Default.CorpusAnalysis),
            JsonSerializer.Serialize(actual, AnalysisJsonContext.Default.CorpusAnalysis));
    }

    [Fact]
    public void Write_Csv_WritesEveryTableWithQuotedCells()
    {
        var corpus = CorpusAnalyzer.Analyze(UniversalBackroomsReader.ReadDirectory(Sample));
        var directory = Path.Combine(Path.GetTempPath(), "crosstalk-csv-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = CorpusCsv.Write(corpus, directory);

            Assert.Equal(CorpusCsv.FileNames, files.Select(Path.GetFileName));
            var models = File.ReadAllLines(Path.Combine(directory, "models.csv"));
            Assert.StartsWith("model,conversations,messages,words,refusalRate", models[0], StringComparison.Ordinal);
            Assert.Equal(4, models.Length);
            var pairs = File.ReadAllLines(Path.Combine(directory, "pairs.csv"));
            Assert.Contains(pairs, line => line.StartsWith("opus ↔ opus,1,5,1,", StringComparison.Ordinal));
            var conversations = File.ReadAllLines(Path.Combine(directory, "conversations.csv"));
            Assert.Equal(4, conversations.Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Write_Csv_TitleLikeAFormula_IsDefused()
    {
        var transcript = new Transcript
        {
            Title = "=HYPERLINK(\"x\")",
            Participants = [new Participant(1, "A"), new Participant(2, "B")],
            Messages = [new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " }, new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Hi" }],
        };
        var directory = Path.Combine(Path.GetTempPath(), "crosstalk-csv-" + Guid.NewGuid().ToString("N"));
        try
        {
            CorpusCsv.Write(CorpusAnalyzer.Analyze([transcript]), directory);

            var line = File.ReadAllLines(Path.Combine(directory, "conversations.csv"))[1];
            Assert.StartsWith("\"'=HYPERLINK(\"\"x\"\")\",", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async IAsyncEnumerable<Transcript> Stream(IEnumerable<Transcript> transcripts)
    {
        foreach (var transcript in transcripts)
        {
            await Task.Yield();
            yield return transcript;
        }
    }
}
