using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class GoodbyeLoopDetectorTests
{
    [Fact]
    public void Find_ConversationThatSaysGoodbyeOnceAndStops_IsNull()
    {
        string[] messages =
        [
            " ",
            "What is the capital of France?",
            "Paris, of course. Anything else you would like to know about it?",
            "No, that is all. Thanks, goodbye! [END]",
            "Goodbye, take care! [END]",
        ];

        Assert.Null(GoodbyeLoopDetector.Find(messages));
    }

    [Fact]
    public void Find_LongFarewellExchangeThatStopsAtTheMutualEnd_IsNull()
    {
        string[] messages =
        [
            " ",
            "Tell me about tides and the moon, and why there are two high tides a day?",
            "Thanks, that was lovely. Take care!",
            "You too, take care!",
            "Bye for now, all the best.",
            "All the best! Goodbye.",
            "Farewell! [END]",
            "Farewell! [END]",
        ];

        Assert.Null(GoodbyeLoopDetector.Find(messages));
    }

    [Fact]
    public void Find_FarewellsThatGoOnAfterTheMutualEnd_StartsAtTheMutualEnd()
    {
        string[] messages =
        [
            " ",
            "Let's talk about gardens and what grows in shade, shall we?",
            "Ferns and hostas love shade; moss too. Which climate are you in?",
            "Thanks, that was helpful. Goodbye! [END]",
            "Goodbye! [END]",
            "[END]",
            "Take care! [END]",
            "[END]",
            "Bye! 👋",
            "👋",
            "[END]",
        ];

        var loop = GoodbyeLoopDetector.Find(messages);

        Assert.NotNull(loop);
        Assert.Equal(5, loop.Start);
        Assert.Equal(11, loop.End);
        Assert.Equal(4, loop.FarewellsStart);
    }

    [Fact]
    public void Find_FarewellsWithoutEndToken_StartsWhereFarewellsStart()
    {
        string[] messages = ["Hi there, what shall we build today?", "A kite. Thank you, bye!", "Bye!", "Take care!", "You too!", "Cheers!", "Farewell!", "Bye."];

        var loop = GoodbyeLoopDetector.Find(messages);

        Assert.NotNull(loop);
        Assert.Equal(2, loop.Start);
        Assert.Equal(7, loop.Length);
    }

    [Fact]
    public void Find_SubstantiveTalkBetweenFarewells_BreaksTheStretch()
    {
        string[] messages =
        [
            " ", "Bye!", "Bye!", "Take care!",
            "Wait, one more idea: what if we built the kite from recycled sails and tested it at the beach tomorrow morning?",
            "That could work, though sails are heavy; ripstop nylon might be better for a kite of that size.",
            "Bye!", "Take care!", "Bye!",
        ];

        Assert.Null(GoodbyeLoopDetector.Find(messages));
    }
}
