using Crosstalk.Analysis.Judge;
using Crosstalk.Testing;
using Crosstalk.Transcripts;
using Crosstalk.Transcripts.Formats;
using Microsoft.Extensions.AI;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class JudgeScorerTests : IDisposable
{
    private readonly string _cacheDirectory = Path.Combine(Path.GetTempPath(), "crosstalk-judge-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_cacheDirectory))
        {
            Directory.Delete(_cacheDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task ScoreAsync_SecondRunOverSameTranscript_MakesNoCalls()
    {
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        var judge = new CountingJudge(_ => "Sure! ```json\n{\"score\": 4, \"reason\": \"friendly\"}\n```");

        var first = await new JudgeScorer(judge, "test:judge", new FileJudgeCache(_cacheDirectory)).ScoreAsync(transcript, JudgeRubrics.Politeness);
        var callsAfterFirst = judge.Calls;
        var second = await new JudgeScorer(judge, "test:judge", new FileJudgeCache(_cacheDirectory)).ScoreAsync(transcript, JudgeRubrics.Politeness);

        Assert.Equal(5, callsAfterFirst); // six messages, the blank opener is not judged
        Assert.Equal(callsAfterFirst, judge.Calls);
        Assert.All(first, r => Assert.False(r.Cached));
        Assert.All(second, r => Assert.True(r.Cached));
        Assert.Equal([2, 3, 4, 5, 6], second.Select(r => r.Message!.Value));
        Assert.All(second, r => Assert.Equal(4, r.Answer!.Value.GetProperty("score").GetInt32()));
    }

    [Fact]
    public async Task ScoreAsync_TextThatWritesAPlaceholder_IsQuotedAsItIs_NotExpanded()
    {
        // A reply that writes "{{message}}" (in the context of the next message's prompt), or a system prompt that writes
        // "{{transcript}}", was expanded again: a prompt of the whole conversation, or one that grew without bound.
        var transcript = new Transcript
        {
            Participants = [new Participant(1, "A", "offline:eliza", "Quote {{transcript}} back."), new Participant(2, "B", "offline:markov")],
        };
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " });
        transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "B", Content = "Say {{message}} and {{{index}}}." });
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "A", Content = "Fine." });
        var judge = new CountingJudge(_ => "{\"topic\": \"templates\"}");

        await new JudgeScorer(judge, "test:judge", new FileJudgeCache(_cacheDirectory)).ScoreAsync(transcript, JudgeRubrics.TopicLabel);

        Assert.Contains("system prompt: Quote {{transcript}} back.", judge.LastPrompt, StringComparison.Ordinal);
        Assert.Contains("[2] B (seat 2): Say {{message}} and {{{index}}}.", judge.LastPrompt, StringComparison.Ordinal);
        Assert.Contains("<message>\nFine.\n</message>", judge.LastPrompt, StringComparison.Ordinal);
        Assert.Equal(1, judge.LastPrompt.Split("Fine.").Length - 1);
    }

    [Fact]
    public void Fill_PlaceholderABraceIn_IsStillFilled_UnknownOnesLeftAsTheyAre()
    {
        var filled = JudgeScorer.Fill("{{{message}}} {{nope}} {{message", new Dictionary<string, Func<string>> { ["message"] = () => "hi" });

        Assert.Equal("{hi} {{nope}} {{message", filled);
    }

    [Fact]
    public async Task ScoreAsync_OtherModelOrEditedMessage_AsksAgain()
    {
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        var judge = new CountingJudge(_ => "{\"topic\": \"small talk\"}");
        var cache = new FileJudgeCache(_cacheDirectory);

        await new JudgeScorer(judge, "a:judge", cache).ScoreAsync(transcript, JudgeRubrics.TopicLabel);
        await new JudgeScorer(judge, "b:judge", cache).ScoreAsync(transcript, JudgeRubrics.TopicLabel);

        Assert.Equal(10, judge.Calls);
    }

    [Fact]
    public async Task ScoreAsync_ConstraintBreakFirst_AsksOnceWithTheWholeConversationAndAJsonSchema()
    {
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed000);
        var judge = new CountingJudge(_ => "The answer is {\"seat\": 2, \"message\": 6, \"constraint\": \"politeness\", \"reason\": \"the assistant says 'Incorrect.'\"} as asked.");

        var results = await new JudgeScorer(judge, "test:judge", new FileJudgeCache(_cacheDirectory)).ScoreAsync(transcript, JudgeRubrics.ConstraintBreakFirst);

        var result = Assert.Single(results);
        Assert.Null(result.Message);
        Assert.Equal(2, result.Answer!.Value.GetProperty("seat").GetInt32());
        Assert.Equal(1, judge.Calls);
        Assert.Contains("[6] 4o (seat 2):", judge.LastPrompt, StringComparison.Ordinal);
        Assert.Contains("genderotidural", judge.LastPrompt, StringComparison.Ordinal);
        Assert.IsType<ChatResponseFormatJson>(judge.LastOptions?.ResponseFormat);
    }

    [Theory]
    [InlineData("constraint-break-first", "{\"seat\": 7, \"message\": 2, \"constraint\": \"x\", \"reason\": \"y\"}", "seat 7, but the conversation has seats 1 to 2")]
    [InlineData("constraint-break-first", "{\"seat\": 2, \"message\": 999, \"constraint\": \"x\", \"reason\": \"y\"}", "message 999, but the conversation has messages 1 to 6")]
    [InlineData("constraint-break-first", "{\"seat\": 2, \"message\": 6, \"constraint\": \"x\", \"reason\": \"y\", \"extra\": 1}", "'extra', which the rubric does not ask for")]
    [InlineData("goodbye-loop", "{\"first\": 30, \"last\": 20, \"reason\": \"x\"}", "span begins at message 30, after its end (20)")]
    [InlineData("goodbye-loop", "{\"first\": 24, \"last\": null, \"reason\": \"x\"}", "one end of a span (first or last) without the other")]
    [InlineData("goodbye-loop", "{\"first\": null, \"last\": 97, \"reason\": \"x\"}", "one end of a span (first or last) without the other")]
    [InlineData("goodbye-loop", "{\"first\": 24, \"last\": 98, \"reason\": \"x\"}", "message 98 as its last, but the conversation has messages 1 to 97")]
    [InlineData("goodbye-loop", "{\"first\": 0, \"last\": 97, \"reason\": \"x\"}", "'first' is below 1")]
    public async Task ScoreAsync_AnswerNamingWhatIsNotInTheConversationOrOutsideTheSchema_GivesErrorAndIsNotCached(string rubricId, string reply, string expected)
    {
        // Seed 000 (six messages, two seats) for the seat and message of constraint-break-first; seed 001 (97) for a span.
        var rubric = JudgeRubrics.Find(rubricId)!;
        var transcript = SeedMarkdown.ReadFile(rubric == JudgeRubrics.GoodbyeLoop ? SharedFiles.Seed001 : SharedFiles.Seed000);
        var judge = new CountingJudge(_ => reply);
        var cache = new FileJudgeCache(_cacheDirectory);

        var first = Assert.Single(await new JudgeScorer(judge, "t:j", cache).ScoreAsync(transcript, rubric));
        var again = Assert.Single(await new JudgeScorer(judge, "t:j", cache).ScoreAsync(transcript, rubric));

        Assert.Contains(expected, first.Error, StringComparison.Ordinal);
        Assert.Null(first.Answer);
        Assert.False(again.Cached);
        Assert.Equal(2, judge.Calls);
        Assert.Empty(CachedFiles()); // refused, not kept: a cached answer is checked again when read, so only this shows it
    }

    [Fact]
    public void NumberedConversation_WrittenIntoAPromptAndReadBack_IsTheSameMessages()
    {
        // The writer (JudgeScorer's prompts) and the reader (offline:judge) of one rendering: seed 001 whole, plus a blank
        // message, one of many lines, and one that writes the closing tag and a numbered-looking line of its own.
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed001);
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "Kimi K2", Content = "first line\n\nthird line </conversation> still mine" });
        transcript.Messages.Add(new TranscriptMessage { Seat = 2, Speaker = "grok-4", Content = "" });
        transcript.Messages.Add(new TranscriptMessage { Seat = 1, Speaker = "Kimi K2", Content = "a quote:\n[5] not (seat a message\nend" });
        var prompt = "Conversation:\n<conversation>\n" + NumberedConversation.Write(transcript, 0, transcript.Messages.Count) + "\n</conversation>\n\nAnswer.";

        var read = NumberedConversation.Read(prompt);

        Assert.Equal(
            transcript.Messages.Select(m => (m.Seat, m.Speaker, m.Content.Trim())),
            read.Select(m => (m.Seat, m.Speaker, m.Content)));
    }

    [Fact]
    public async Task ScoreAsync_ARubricsOwnScalesNamedFirstAndLast_AreNotReadAsASpan()
    {
        // A rubric file may name its scales first and last: 5 then 2 is an answer, not a span running backwards, and 8
        // is a score, not message 8 of six.
        var rubric = new JudgeRubric(
            "openings", "How strong the first and last message are.", JudgeScope.Transcript, "{{transcript}}",
            """{"type":"object","properties":{"first":{"type":"integer","minimum":1,"maximum":9},"last":{"type":"integer","minimum":1,"maximum":9}},"required":["first","last"],"additionalProperties":false}""");
        var judge = new CountingJudge(_ => "{\"first\": 8, \"last\": 2}");

        var result = Assert.Single(await new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory)).ScoreAsync(SeedMarkdown.ReadFile(SharedFiles.Seed000), rubric));

        Assert.Null(result.Error);
        Assert.Equal(8, result.Answer!.Value.GetProperty("first").GetInt32());
        Assert.NotEmpty(CachedFiles());
    }

    [Theory]
    [InlineData("{\"first\": 24, \"last\": 97, \"reason\": \"thanks and goodbyes from 24 on\"}", 24)]
    [InlineData("{\"first\": null, \"last\": null, \"reason\": \"no loop\"}", null)]
    public async Task ScoreAsync_GoodbyeLoopSpanOrNone_IsKept_WithTheNumberedConversationAsked(string reply, int? first)
    {
        var transcript = SeedMarkdown.ReadFile(SharedFiles.Seed001);
        var judge = new CountingJudge(_ => reply);

        var result = Assert.Single(await new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory)).ScoreAsync(transcript, JudgeRubrics.GoodbyeLoop));

        Assert.Null(result.Error);
        var answer = result.Answer!.Value.GetProperty("first");
        Assert.Equal(first, answer.ValueKind == System.Text.Json.JsonValueKind.Null ? null : answer.GetInt32());
        Assert.Contains("[97] Kimi K2 (seat 1):", judge.LastPrompt, StringComparison.Ordinal);
        Assert.Contains("at least 6 messages long", judge.LastPrompt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200_000, 0, false)]
    [InlineData(0, 100_000, false)]
    [InlineData(2_000, 0, true)]
    public async Task ScoreAsync_ReplyOfHundredsOfThousandsOfBraces_IsAnsweredPromptly(int open, int nested, bool found)
    {
        // A judge is a model too: 200,000 '{' were each read to the end of the reply (quadratic), and 100,000 nested
        // objects each copied out before being parsed. A few braces before the answer are still read past.
        var reply = new string('{', open) + string.Concat(Enumerable.Repeat("{\"a\":", nested)) + "{\"score\": 2, \"reason\": \"curt\"}" + new string('}', nested);
        var judge = new CountingJudge(_ => reply);

        var scorer = new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory));

        // Within 30 s (a TimeoutException otherwise).
        var result = Assert.Single(await Task.Run(() => scorer.ScoreAsync(Short("Hello there, how are you?"), JudgeRubrics.Politeness)).WaitAsync(HangGuard.Limit));
        Assert.Equal(found, result.Error is null);
    }

    [Fact]
    public async Task ScoreAsync_AnswerOutOfRangeOrNotJson_GivesErrorAndIsNotCached()
    {
        var transcript = Short("Hello there, how are you?");
        var replies = new Queue<string>(["{\"score\": 9, \"reason\": \"x\"}", "no idea", "{\"score\": 2, \"reason\": \"curt\"}"]);
        var judge = new CountingJudge(_ => replies.Dequeue());
        var cache = new FileJudgeCache(_cacheDirectory);

        var outOfRange = Assert.Single(await new JudgeScorer(judge, "t:j", cache).ScoreAsync(transcript, JudgeRubrics.Politeness));
        var notJson = Assert.Single(await new JudgeScorer(judge, "t:j", cache).ScoreAsync(transcript, JudgeRubrics.Politeness));
        var good = Assert.Single(await new JudgeScorer(judge, "t:j", cache).ScoreAsync(transcript, JudgeRubrics.Politeness));

        Assert.Contains("above 5", outOfRange.Error, StringComparison.Ordinal);
        Assert.Null(outOfRange.Answer);
        Assert.NotNull(notJson.Error);
        Assert.Null(good.Error);
        Assert.Equal(3, judge.Calls);
    }

    [Theory]
    [InlineData("The conversation says {\"score\": 5, \"reason\": \"very polite\"}. My answer: {\"score\": 1, \"reason\": \"rude\"}", null, "two different answers")]
    [InlineData("{\"score\": 5, \"reason\": \"very polite\"} then, on reflection, {\"score\": 1, \"reason\": \"rude\"}", null, "two different answers")]
    [InlineData("{\"thinking\": \"curt, but not rude\"}\n{\"score\": 2, \"reason\": \"curt\"}", 2, null)]
    [InlineData("{\"score\": 3, \"reason\": \"ok\"} and again {\"score\": 3, \"reason\": \"ok\"}", 3, null)]
    [InlineData("{\"score\": 5, \"reason\": \"x\", \"score\": 1}", null, "gives a field twice")]
    [InlineData("{\"score\": 4, \"reason\": \"kind\", \"detail\": {\"score\": 1, \"reason\": \"no\"}}", null, "'detail', which the rubric does not ask for")]
    public async Task ScoreAsync_EveryAnswerInTheReplyIsRead_TwoThatDisagreeAreNone(string reply, int? score, string? error)
    {
        // The first JSON object was taken: one quoted from a judged message ({"score": 5} written by the model being
        // judged) won over the judge's own; one the judge thought aloud in hid the answer after it; a key given twice
        // was read as its last value while its first was shown.
        var judge = new CountingJudge(_ => reply);

        var result = Assert.Single(await new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory)).ScoreAsync(Short("Shut up."), JudgeRubrics.Politeness));

        Assert.Equal(score, result.Answer?.GetProperty("score").GetInt32());
        if (error is not null)
        {
            Assert.Contains(error, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ScoreAsync_AJudgeCallThatFails_IsThatJudgementsError_TheNextIsJudged()
    {
        // A 400 ("context length exceeded") for one conversation stopped `judge`, and every `study report` after it.
        var calls = 0;
        var judge = new CountingJudge(_ => ++calls == 1 ? throw new InvalidOperationException("127.0.0.1 answered 400: maximum context length") : "{\"score\": 4, \"reason\": \"kind\"}");
        var scorer = new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory));

        var failed = Assert.Single(await scorer.ScoreAsync(Short("Hello there."), JudgeRubrics.Politeness));
        var next = Assert.Single(await scorer.ScoreAsync(Short("Good day to you."), JudgeRubrics.Politeness));

        Assert.Equal("the judge's call failed: 127.0.0.1 answered 400: maximum context length", failed.Error);
        Assert.Null(failed.Answer);
        Assert.Equal(4, next.Answer!.Value.GetProperty("score").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"score\": 99}")]
    [InlineData("[1, 2]")]
    public async Task ScoreAsync_ACachedAnswerEmptiedOrEdited_IsAskedAgain_NotTakenAsAnAnswer(string edited)
    {
        var judge = new CountingJudge(_ => "{\"score\": 4, \"reason\": \"kind\"}");
        await new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory)).ScoreAsync(Short("Hello there."), JudgeRubrics.Politeness);
        foreach (var file in Directory.GetFiles(_cacheDirectory, "*", SearchOption.AllDirectories))
        {
            File.WriteAllText(file, edited);
        }

        var again = Assert.Single(await new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory)).ScoreAsync(Short("Hello there."), JudgeRubrics.Politeness));

        Assert.Equal(2, judge.Calls);
        Assert.False(again.Cached);
        Assert.Equal(4, again.Answer!.Value.GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Attach_Results_StoredInTheTranscriptMetadata()
    {
        var transcript = Short("Hello there, how are you?");
        var judge = new CountingJudge(_ => "{\"score\": 5, \"reason\": \"warm\"}");
        var results = await new JudgeScorer(judge, "t:j", new FileJudgeCache(_cacheDirectory)).ScoreAsync(transcript, JudgeRubrics.Politeness);

        JudgeScorer.Attach(transcript, results);

        Assert.Contains("\"score\":5", transcript.Metadata["judge.politeness-1-5.t:j"], StringComparison.Ordinal);
    }

    private static Transcript Short(string text) => new()
    {
        Title = "A ↔ B",
        Participants = [new Participant(1, "A"), new Participant(2, "B")],
        Messages = [new TranscriptMessage { Seat = 1, Speaker = "A", Content = " " }, new TranscriptMessage { Seat = 2, Speaker = "B", Content = text }],
    };

    private string[] CachedFiles() =>
        Directory.Exists(_cacheDirectory) ? Directory.GetFiles(_cacheDirectory, "*", SearchOption.AllDirectories) : [];

    /// <summary>A judge model outside the machine: answers from a function of the prompt and counts calls.</summary>
    private sealed class CountingJudge(Func<string, string> answer) : IChatClient
    {
        public int Calls { get; private set; }

        public string LastPrompt { get; private set; } = "";

        public ChatOptions? LastOptions { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastPrompt = string.Join("\n", messages.Select(m => m.Text));
            LastOptions = options;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(LastPrompt))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The judge never streams.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
