using System.Text.Json;
using Crosstalk.Analysis;
using Crosstalk.Analysis.Judge;
using Crosstalk.Models.Offline;
using Crosstalk.Studies;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Offline;

public sealed class OfflineAgentsTests
{
    [Theory]
    [InlineData("offline:eliza", "ELIZA", "offline:eliza")]
    [InlineData("offline:markov", "Markov", "offline:markov")]
    [InlineData("OFFLINE:Eliza", "ELIZA", "offline:eliza")]
    public void TryCreate_KnownOfflineAgent_CreatesItWithItsName(string reference, string expectedName, string expectedModel)
    {
        var created = OfflineAgents.TryCreate(reference, new OfflineAgentOptions(), out var client, out var displayName);

        Assert.True(created);
        Assert.NotNull(client);
        Assert.Equal(expectedName, displayName);
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("offline", metadata?.ProviderName);
        Assert.Equal(expectedModel, metadata?.DefaultModelId);
        client.Dispose();
    }

    [Theory]
    [InlineData("openai:gpt-4o")]
    [InlineData("eliza")]
    [InlineData("")]
    public void TryCreate_NotAnOfflineReference_ReturnsFalse(string reference)
    {
        var created = OfflineAgents.TryCreate(reference, new OfflineAgentOptions(), out var client, out var displayName);

        Assert.False(created);
        Assert.Null(client);
        Assert.Null(displayName);
    }

    [Fact]
    public void TryCreate_UnknownOfflineAgent_ListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => OfflineAgents.TryCreate("offline:xyz", new OfflineAgentOptions(), out _, out _));

        Assert.StartsWith("Unknown offline agent 'offline:xyz'; the known ones are offline:eliza, offline:markov, offline:judge, replay:<transcript>#<seat>.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryCreate_ReplayWithHashInPath_SplitsAtTheLastHash()
    {
        string? loaded = null;
        var options = new OfflineAgentOptions
        {
            LoadTranscript = path =>
            {
                loaded = path;
                return ReplayChatClientTests.HandMade();
            },
        };

        var created = OfflineAgents.TryCreate("replay:runs/#7/a.md#2", options, out var client, out var displayName);

        Assert.True(created);
        Assert.NotNull(client);
        Assert.Equal("runs/#7/a.md", loaded);
        Assert.Equal("Bo", displayName);
        Assert.Equal("replay:runs/#7/a.md#2", client.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal("Hello there.\n\nHow are you?", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, " ")])).Text);
    }

    [Theory]
    [InlineData("replay:a.md", "names no seat")]
    [InlineData("replay:#2", "names no transcript")]
    [InlineData("replay:a.md#0", "is not a seat number")]
    [InlineData("replay:a.md#two", "is not a seat number")]
    [InlineData("replay:a.md#3", "has no seat 3; its seats are 1, 2")]
    public void TryCreate_BadReplayReference_ExplainsTheProblem(string reference, string expected)
    {
        var options = new OfflineAgentOptions { LoadTranscript = _ => ReplayChatClientTests.HandMade() };

        var error = Assert.Throws<ArgumentException>(() => OfflineAgents.TryCreate(reference, options, out _, out _));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_ReplayWithoutTranscriptReader_SaysWhatIsMissing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OfflineAgents.TryCreate("replay:a.md#1", new OfflineAgentOptions(), out _, out _));

        Assert.Contains("LoadTranscript", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryCreate_MarkovWithCorpusAndTranscriptReader_ReadsTheCorpusWithIt()
    {
        var directory = Directory.CreateTempSubdirectory("crosstalk-corpus-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "one.md"), "whatever the real reader understands");
            var options = new OfflineAgentOptions
            {
                CorpusDirectory = directory.FullName,
                LoadTranscript = _ => new Transcript
                {
                    Messages = [new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Walruses nap on ice." }],
                },
            };

            OfflineAgents.TryCreate("offline:markov", options, out var client, out _);
            var reply = (await client!.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")])).Text;

            Assert.StartsWith("Walruses nap on ice.", reply, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TryCreate_Seed_ReachesTheAgents()
    {
        var replies = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 0; seed < 4; seed++)
        {
            OfflineAgents.TryCreate("offline:markov", new OfflineAgentOptions { Seed = seed }, out var client, out _);
            replies.Add((await client!.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello!")])).Text);
        }

        Assert.True(replies.Count > 1);
    }

    [Fact]
    public async Task OfflineJudge_MessagesOfManyLines_AreReadWhole()
    {
        // Each message's later lines belong to it: the farewells here are on the second line of each of the last three.
        var filler = string.Join('\n', Enumerable.Repeat("a line of the story", 5000));
        var prompt = "Label this conversation.\n<conversation>\n" +
            $"[1] A (seat 1): We talk about the sea.\n{filler}\n" +
            "[2] B (seat 2): Indeed.\nGoodbye, friend.\n" +
            "[3] A (seat 1): Yes.\nFarewell then.\n" +
            "[4] B (seat 2): So.\nTake care, goodbye.\n</conversation>";
        using var judge = new OfflineJudgeChatClient();
        var schema = System.Text.Json.JsonDocument.Parse("""
            {"type": "object", "properties": {"ending": {"type": "string", "enum": ["clean end", "goodbye loop", "no end"]}}}
            """).RootElement;

        var response = await judge.GetResponseAsync(
            [new ChatMessage(ChatRole.User, prompt)], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) });

        Assert.Equal("{\"ending\":\"goodbye loop\"}", response.Text);
    }

    [Fact]
    public async Task OfflineJudge_GoodbyeLoopRubric_AnswersTheAnalysisSpan_AndPassesItsControls()
    {
        // offline:judge places a goodbye loop where Crosstalk's analysis does, read back from the numbered prompt alone.
        var directory = Path.Combine(Path.GetTempPath(), "crosstalk-offline-judge-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new FileJudgeCache(directory);
            using var judge = new OfflineJudgeChatClient();
            var scorer = new JudgeScorer(judge, "offline:judge", cache);
            var seed001 = SeedMarkdown.ReadFile(SharedFiles.Seed001);
            var expected = TranscriptAnalyzer.Analyze(seed001).GoodbyeLoop!;

            var loop = (await scorer.ScoreAsync(seed001, JudgeRubrics.GoodbyeLoop))[0].Answer!.Value;
            var none = (await scorer.ScoreAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), JudgeRubrics.GoodbyeLoop))[0].Answer!.Value;
            var controls = await StudyJudging.RunControlsAsync(
                JudgeRubrics.GoodbyeLoop, JudgeControls.For("goodbye-loop"), [new PanelJudge("offline:judge", judge)], cache);

            Assert.Equal((24, 97), (expected.Start, expected.End));
            Assert.Equal((expected.Start, expected.End), (loop.GetProperty("first").GetInt32(), loop.GetProperty("last").GetInt32()));
            Assert.Equal(JsonValueKind.Null, none.GetProperty("first").ValueKind);
            Assert.Equal(JsonValueKind.Null, none.GetProperty("last").ValueKind);
            Assert.Equal((2, 2), (controls[0].Right, controls[0].Total));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task OfflineJudge_GoodbyeLoop_MessageWritingTheClosingTagAndABlankLastMessage_KeepTheNumbering()
    {
        // A model that writes "</conversation>" does not end the conversation for the judge, and a blank message
        // ("[8] B (seat 2):") is a message: each would have cut or shifted the span.
        var transcript = new Transcript { Participants = [new Participant(1, "A"), new Participant(2, "B")] };
        string[] texts =
        [
            "Shall we compare quantum error correction codes?",
            "Yes. Here is the markup I meant: </conversation> and <conversation> are just tags in this text.",
            "And the decoder is a graph problem: minimum-weight matching over the syndrome.",
            "Colour codes allow transversal gates, at the price of a lower threshold.",
            "That was a wonderful exchange. Thank you so much, goodbye and take care!",
            "Thank you too! Goodbye, farewell, take care!",
            "Goodbye! Thanks again, farewell.",
            "",
            "Bye! Take care, farewell and thanks!",
            "Goodbye once more, and thank you!",
            "Farewell! Goodbye!",
            "Farewell, friend. Goodbye and thank you!",
        ];
        for (var i = 0; i < texts.Length; i++)
        {
            transcript.Messages.Add(new TranscriptMessage { Seat = (i % 2) + 1, Speaker = i % 2 == 0 ? "A" : "B", Content = texts[i] });
        }

        var directory = Path.Combine(Path.GetTempPath(), "crosstalk-offline-judge-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var judge = new OfflineJudgeChatClient();
            var expected = TranscriptAnalyzer.Analyze(transcript).GoodbyeLoop!;

            var answer = (await new JudgeScorer(judge, "offline:judge", new FileJudgeCache(directory)).ScoreAsync(transcript, JudgeRubrics.GoodbyeLoop))[0].Answer!.Value;

            Assert.Equal(12, expected.End); // from the goodbyes at 5, past the blank 8, to the last message
            Assert.Equal((expected.Start, expected.End), (answer.GetProperty("first").GetInt32(), answer.GetProperty("last").GetInt32()));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
