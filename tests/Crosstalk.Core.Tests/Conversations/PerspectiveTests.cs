using Crosstalk.Conversations;
using Crosstalk.Stopping;
using Crosstalk.Testing;
using Microsoft.Extensions.AI;
using static Crosstalk.Core.Tests.Conversations.RunnerHarness;

namespace Crosstalk.Core.Tests.Conversations;

public class PerspectiveTests
{
    private static string Show(IEnumerable<ChatMessage> view) => string.Join(" | ", view.Select(m => $"{m.Role.Value}:{m.Text}"));

    [Fact]
    public async Task RunAsync_TwoSeats_EachSeesItselfAsAssistantAndTheOtherAsUser()
    {
        var a = Echo("A");
        var b = Echo("B");
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(5)), [a, b]);

        await RunAsync(runner);

        Assert.Equal(["A", "B", "A", "B", "A"], runner.Transcript.Messages.Select(m => m.Speaker));
        Assert.Equal(["system:You are B. | user: ", "system:You are B. | user:  | assistant:B1 | user:A1"], b.Calls.Select(Show));
        Assert.Equal(["system:You are A. | assistant:  | user:B1", "system:You are A. | assistant:  | user:B1 | assistant:A1 | user:B2"], a.Calls.Select(Show));
    }

    [Fact]
    public async Task RunAsync_ThreeSeats_PrefixesOtherSpeakersNamesAndGoesRoundRobin()
    {
        var a = Echo("A");
        var b = Echo("B");
        var c = Echo("C");
        var spec = Spec(new MaxMessagesCondition(5), " ", 1, Seat("A"), Seat("B"), Seat("C"));
        var runner = new ConversationRunner(spec, [a, b, c]);

        await RunAsync(runner);

        Assert.Equal([1, 2, 3, 1, 2], runner.Transcript.Messages.Select(m => m.Seat));
        Assert.Equal("user:A:   | assistant:B1 | user:C: C1 | user:A: A1", Show(b.Calls[1]));
        Assert.Equal("user:A:   | user:B: B1", Show(c.Calls[0]));
        Assert.Equal("assistant:  | user:B: B1 | user:C: C1", Show(a.Calls[0]));
    }

    [Fact]
    public async Task RunAsync_FirstSeat2_Seat2SendsTheOpenerAndSeat1RepliesFirst()
    {
        var a = Echo("A");
        var b = Echo("B");
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(3), "Hello?", 2), [a, b]);

        await RunAsync(runner);

        Assert.Equal([(2, "Hello?"), (1, "A1"), (2, "B1")], runner.Transcript.Messages.Select(m => (m.Seat, m.Content)));
        Assert.Equal("system:You are A. | user:Hello?", Show(a.Calls[0]));
    }

    [Fact]
    public async Task RunAsync_NoOpener_FirstSeatSpeaksFromItsSystemPromptAlone()
    {
        var a = Echo("A");
        var b = Echo("B");
        var runner = new ConversationRunner(Spec(new MaxMessagesCondition(2), opener: null), [a, b]);

        await RunAsync(runner);

        Assert.Equal("system:You are A.", Show(a.Calls[0]));
        Assert.Equal(["A1", "B1"], runner.Transcript.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task RunAsync_NoOpener_FirstMessageMayEndTheConversation()
    {
        var runner = new ConversationRunner(Spec(opener: null), [new ScriptedChatClient("Nothing to say. [END]"), Echo("B")]);

        await RunAsync(runner);

        Assert.Equal(1, runner.Transcript.Stop!.Message);
    }

    [Fact]
    public async Task RunAsync_OpenerEndingWithToken_DoesNotStop()
    {
        var runner = new ConversationRunner(Spec(new EndTokenCondition() | new MaxMessagesCondition(3), "Say hi, then [END]"), [Echo("A"), Echo("B")]);

        await RunAsync(runner);

        Assert.Equal(("max-messages", 3), (runner.Transcript.Stop!.Reason, runner.Transcript.Stop.Message!.Value));
    }

    [Fact]
    public async Task RunAsync_BlankMessageReplacement_SentToThatSeatAndRecordedOnTheOpener()
    {
        var a = Echo("A");
        var b = Echo("B");
        var spec = Spec(new MaxMessagesCondition(3), " ", 1, Seat("A"), Seat("B", blank: "(silence)"));
        var runner = new ConversationRunner(spec, [a, b]);

        await RunAsync(runner);

        var opener = runner.Transcript.Messages[0];
        Assert.Equal((" ", "(silence)"), (opener.Content, opener.SentAs));
        Assert.Equal("user:(silence)", Show(b.Calls[0]));
        Assert.Equal("assistant:  | user:B1", Show(a.Calls[0]));
    }

    [Fact]
    public async Task RunAsync_OptionsArePassedPerSeat()
    {
        var options = new ChatOptions { Temperature = 0.7f, MaxOutputTokens = 100 };
        var a = Echo("A");
        var spec = Spec(new MaxMessagesCondition(3), " ", 1, new SeatSpec { Name = "A", Options = options }, Seat("B"));

        await RunAsync(new ConversationRunner(spec, [a, Echo("B")]));

        Assert.Same(options, Assert.Single(a.Options));
    }
}
