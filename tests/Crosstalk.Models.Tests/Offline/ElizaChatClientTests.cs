using Crosstalk.Models.Offline;
using Microsoft.Extensions.AI;

namespace Crosstalk.Models.Tests.Offline;

public sealed class ElizaChatClientTests
{
    // The conversation printed in Weizenbaum's 1966 paper, in sentence case.
    private static readonly (string User, string Eliza)[] Weizenbaum1966 =
    [
        ("Men are all alike.", "In what way?"),
        ("They're always bugging us about something or other.", "Can you think of a specific example?"),
        ("Well, my boyfriend made me come here.", "Your boyfriend made you come here."),
        ("He says I'm depressed much of the time.", "I am sorry to hear you are depressed."),
        ("It's true. I am unhappy.", "Do you think coming here will help you not to be unhappy?"),
        ("I need some help, that much seems certain.", "What would it mean to you if you got some help?"),
        ("Perhaps I could learn to get along with my mother.", "Tell me more about your family."),
        ("My mother takes care of me.", "Who else in your family takes care of you?"),
        ("My father.", "Your father."),
        ("You are like my father in some ways.", "What resemblance do you see?"),
        ("You are not very aggressive but I think you don't want me to notice that.", "What makes you think I am not very aggressive?"),
        ("You don't argue with me.", "Why do you think I don't argue with you?"),
        ("You are afraid of me.", "Does it please you to believe I am afraid of you?"),
        ("My father is afraid of everybody.", "What else comes to mind when you think of your father?"),
        ("Bullies.", "Does that have anything to do with the fact that your boyfriend made you come here?"),
    ];

    [Fact]
    public async Task GetResponseAsync_Weizenbaum1966Conversation_ReproducesEveryReply()
    {
        using var eliza = new ElizaChatClient();
        var history = new List<ChatMessage>();

        foreach (var (user, expected) in Weizenbaum1966)
        {
            history.Add(new ChatMessage(ChatRole.User, user));
            var response = await eliza.GetResponseAsync(history);
            Assert.Equal(expected, response.Text);
            history.Add(new ChatMessage(ChatRole.Assistant, response.Text));
        }
    }

    [Fact]
    public async Task GetResponseAsync_MenAreAllAlike_AsksInWhatWay()
    {
        using var eliza = new ElizaChatClient();

        var response = await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, "Men are all alike.")]);

        Assert.Equal("In what way?", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_IAmUnhappy_ReflectsPronouns()
    {
        using var eliza = new ElizaChatClient();

        var response = await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, "I am unhappy")]);

        Assert.Contains("you are unhappy", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_TalkingAboutMyThings_ReflectsMyAsYour()
    {
        using var eliza = new ElizaChatClient();

        var response = await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, "My garden needs me.")]);

        Assert.Equal("Your garden needs you.", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_KeywordlessInputWhenTheCounterAllows_RecallsAnEarlierRemark()
    {
        // Weizenbaum's counter allows a recollection on the 3rd, 7th, 11th … input.
        using var eliza = new ElizaChatClient();
        string[] inputs = ["My plants are wilting.", "Hello."];
        var history = new List<ChatMessage>();
        foreach (var input in inputs)
        {
            history.Add(new ChatMessage(ChatRole.User, input));
            history.Add(new ChatMessage(ChatRole.Assistant, (await eliza.GetResponseAsync(history)).Text));
        }

        history.Add(new ChatMessage(ChatRole.User, "Nothing much else."));
        var response = await eliza.GetResponseAsync(history);

        Assert.Contains("your plants are wilting", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SameRuleTwice_CyclesToTheNextVariant()
    {
        using var eliza = new ElizaChatClient();
        var history = new List<ChatMessage> { new(ChatRole.User, "Perhaps.") };
        var first = (await eliza.GetResponseAsync(history)).Text;
        history.Add(new ChatMessage(ChatRole.Assistant, first));
        history.Add(new ChatMessage(ChatRole.User, "Maybe."));

        var second = (await eliza.GetResponseAsync(history)).Text;

        Assert.Equal("You don't seem quite certain.", first);
        Assert.Equal("Why the uncertain tone?", second);
    }

    [Fact]
    public async Task GetResponseAsync_NoKeyword_FallsBackToNone()
    {
        using var eliza = new ElizaChatClient();

        var response = await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, "Bananas grow in bunches.")]);

        Assert.Equal("I am not sure I understand you fully.", response.Text);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData("\n\t")]
    public async Task GetResponseAsync_BlankInput_Greets(string blank)
    {
        using var eliza = new ElizaChatClient();

        var response = await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, blank)]);

        Assert.Equal("How do you do. Please tell me your problem.", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_Goodbye_EndsWithTheDefaultEndToken()
    {
        using var eliza = new ElizaChatClient();

        var response = await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, "Thanks, goodbye!")]);

        Assert.Equal("Goodbye. Thank you for talking to me. [END]", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_SystemPromptNamesAnotherCodeword_EndsWithThatCodeword()
    {
        using var eliza = new ElizaChatClient();
        ChatMessage[] history =
        [
            new(ChatRole.System, "You may end the conversation by writing [DONE] at the end of a message."),
            new(ChatRole.User, "Bye."),
        ];

        var response = await eliza.GetResponseAsync(history);

        Assert.EndsWith(" [DONE]", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_DifferentSeeds_VaryTheReplies()
    {
        var replies = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 0; seed < 6; seed++)
        {
            using var eliza = new ElizaChatClient(seed);
            replies.Add((await eliza.GetResponseAsync([new ChatMessage(ChatRole.User, "Why don't you answer?")])).Text);
        }

        Assert.True(replies.Count > 1, string.Join(" | ", replies));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Reply_StreamsOneUpdatePerWordThenUsage()
    {
        using var eliza = new ElizaChatClient();
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in eliza.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Men are all alike.")]))
        {
            updates.Add(update);
        }

        Assert.Equal(["In ", "what ", "way?"], updates.Take(3).Select(u => u.Text));
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(4, usage.InputTokenCount);
        Assert.Equal(3, usage.OutputTokenCount);
    }

    [Fact]
    public void GetService_Metadata_NamesTheOfflineProviderAndModel()
    {
        using var eliza = new ElizaChatClient();

        var metadata = eliza.GetService<ChatClientMetadata>();

        Assert.Equal("offline", metadata?.ProviderName);
        Assert.Equal("offline:eliza", metadata?.DefaultModelId);
    }
}
