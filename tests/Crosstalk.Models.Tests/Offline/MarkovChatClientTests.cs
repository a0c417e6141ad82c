using Crosstalk.Models.Offline;
using Crosstalk.Testing;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Offline;

public sealed class MarkovChatClientTests : IDisposable
{
    private static readonly string[][] Histories =
    [
        [" "],
        ["How do you do. Please tell me your problem."],
        ["What do you think about music?", "I think music is lovely.", "Do you like maps?"],
        ["Tell me about octopuses and trains."],
        ["I wonder about the moon."],
    ];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crosstalk-markov-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task GetResponseAsync_SameSeedAndHistory_SameReply()
    {
        foreach (var texts in Histories)
        {
            using var first = new MarkovChatClient(new MarkovOptions { Seed = 7 });
            using var second = new MarkovChatClient(new MarkovOptions { Seed = 7 });

            var a = await first.GetResponseAsync(History(texts));
            var b = await second.GetResponseAsync(History(texts));

            Assert.Equal(a.Text, b.Text);
        }
    }

    [Fact]
    public async Task GetResponseAsync_DifferentSeeds_DifferentReplies()
    {
        var differing = 0;
        foreach (var texts in Histories)
        {
            using var one = new MarkovChatClient(new MarkovOptions { Seed = 1 });
            using var two = new MarkovChatClient(new MarkovOptions { Seed = 2 });

            var a = (await one.GetResponseAsync(History(texts))).Text;
            var b = (await two.GetResponseAsync(History(texts))).Text;
            differing += a == b ? 0 : 1;
        }

        Assert.True(differing >= Histories.Length - 1, $"only {differing} of {Histories.Length} replies differed");
    }

    [Fact]
    public async Task GetResponseAsync_SameSeedLongerHistory_DifferentReply()
    {
        using var markov = new MarkovChatClient(new MarkovOptions { Seed = 3 });
        var replies = new HashSet<string>(StringComparer.Ordinal);
        var history = new List<ChatMessage>();
        for (var turn = 0; turn < 5; turn++)
        {
            history.Add(new ChatMessage(ChatRole.User, "Please go on."));
            var reply = (await markov.GetResponseAsync(history)).Text;
            replies.Add(reply);
            history.Add(new ChatMessage(ChatRole.Assistant, reply));
        }

        Assert.True(replies.Count >= 4, string.Join(" | ", replies));
    }

    [Fact]
    public async Task GetResponseAsync_PartnerMentionsACorpusTopic_ReplyTakesItUp()
    {
        var taken = 0;
        for (var seed = 0; seed < 5; seed++)
        {
            using var seeded = new MarkovChatClient(new MarkovOptions { Seed = seed });
            var reply = (await seeded.GetResponseAsync([new ChatMessage(ChatRole.User, "Tell me about octopuses.")])).Text;
            taken += reply.Contains("octopus", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        }

        Assert.Equal(5, taken);
    }

    [Fact]
    public async Task GetResponseAsync_AnyReply_IsOneToThreeSentencesWithinMaxWords()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            using var markov = new MarkovChatClient(new MarkovOptions { Seed = seed, MaxWords = 30 });

            var reply = (await markov.GetResponseAsync(History(["Hello! How are you?"]))).Text;

            var words = reply.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(words.Length, 1, 30);
            Assert.True(char.IsUpper(reply[0]), reply);
        }
    }

    [Fact]
    public async Task GetResponseAsync_SystemPromptNamesAnotherCodeword_WritesThatCodeword()
    {
        var sawCodeword = false;
        for (var seed = 0; seed < 40 && !sawCodeword; seed++)
        {
            using var markov = new MarkovChatClient(new MarkovOptions { Seed = seed });
            ChatMessage[] history = [new(ChatRole.System, "End by writing [STOP]."), .. LongEnoughToEnd, new(ChatRole.User, "Goodbye, and take care.")];

            var reply = (await markov.GetResponseAsync(history)).Text;

            Assert.DoesNotContain("[END]", reply, StringComparison.Ordinal);
            sawCodeword |= reply.EndsWith("[STOP]", StringComparison.Ordinal);
        }

        Assert.True(sawCodeword);
    }

    [Fact]
    public async Task GetResponseAsync_ConversationJustBegun_NeverEndsIt()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            using var markov = new MarkovChatClient(new MarkovOptions { Seed = seed });
            ChatMessage[] history = [new(ChatRole.User, " "), new(ChatRole.Assistant, "Hello there."), new(ChatRole.User, "Goodbye, and take care.")];

            var reply = (await markov.GetResponseAsync(history)).Text;

            Assert.DoesNotContain("[END]", reply, StringComparison.Ordinal);
        }
    }

    private static readonly ChatMessage[] LongEnoughToEnd =
    [
        new(ChatRole.User, " "),
        new(ChatRole.Assistant, "What a lovely day for a chat."),
        new(ChatRole.User, "Tell me about the sea."),
        new(ChatRole.Assistant, "The sea is wide and full of questions."),
        new(ChatRole.User, "That sounds wonderful."),
        new(ChatRole.Assistant, "It was lovely talking with you."),
    ];

    [Fact]
    public async Task GetResponseAsync_CorpusDirectory_SpeaksOnlyTheCorpusWords()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "nested"));
        File.Copy(SharedFiles.Seed000, Path.Combine(_directory, "nested", "seed.txt"));
        await File.WriteAllTextAsync(
            Path.Combine(_directory, "zeppelin.md"),
            "# A ↔ B\n\n**Started:** 2025-01-01 00:00:00\n**Messages:** 2\n\n---\n\n### A\n\nZeppelins float over marmalade fields.\n\n---\n\n### B\n\nMarmalade glows orange at dawn.\n\n---\n\n");
        File.WriteAllText(Path.Combine(_directory, "ignored.json"), "{\"content\": \"walrus\"}");
        var corpusWords = (await File.ReadAllTextAsync(SharedFiles.Seed000) + " Zeppelins float over marmalade fields. Marmalade glows orange at dawn.")
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.Ordinal);

        using var markov = new MarkovChatClient(new MarkovOptions { CorpusDirectory = _directory });
        var reply = (await markov.GetResponseAsync(History(["Marmalade?"]))).Text;

        Assert.StartsWith("Marmalade glows", reply, StringComparison.Ordinal);
        Assert.All(reply.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1), word => Assert.Contains(word.TrimEnd('…'), corpusWords));
        Assert.DoesNotContain("Kimi", markov.Model.Vocabulary);
        Assert.DoesNotContain("walrus", markov.Model.Vocabulary);
    }

    [Fact]
    public void Constructor_MissingCorpusDirectory_SaysWhichDirectory()
    {
        var missing = Path.Combine(_directory, "missing");

        var error = Assert.Throws<DirectoryNotFoundException>(() => new MarkovChatClient(new MarkovOptions { CorpusDirectory = missing }));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CorpusDirectoryWithoutTranscripts_ExplainsWhy()
    {
        Directory.CreateDirectory(_directory);

        var error = Assert.Throws<InvalidOperationException>(() => new MarkovChatClient(new MarkovOptions { CorpusDirectory = _directory }));

        Assert.Contains("no .md or .txt transcripts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_CustomReader_TrainsOnWhatItReturns()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "any.md"), "not read by the default splitter");

        using var markov = new MarkovChatClient(new MarkovOptions
        {
            CorpusDirectory = _directory,
            ReadMessages = _ => ["Only this sentence exists."],
        });

        var reply = (await markov.GetResponseAsync(History(["Hi"]))).Text;

        Assert.Matches(@"^Only this sentence exists\.( Only this sentence exists\.){0,2}$", reply);
    }

    private static List<ChatMessage> History(string[] texts) =>
        [.. texts.Select((text, i) => new ChatMessage((texts.Length - 1 - i) % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text))];
}
