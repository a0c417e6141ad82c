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
    public void Find_ThreeSubstantiveMessagesBetweenFarewells_BreakTheStretch()
    {
        string[] messages =
        [
            " ", "Bye!", "Bye!", "Take care!",
            "Wait, one more idea: what if we built the kite from recycled sails and tested it at the beach tomorrow morning?",
            "That could work, though sails are heavy; ripstop nylon might be better for a kite of that size.",
            "Ripstop it is, then; I will sketch a frame of bamboo and carbon rods and send you the measurements tonight.",
            "Bye!", "Take care!", "Bye!",
        ];

        Assert.Null(GoodbyeLoopDetector.Find(messages));
    }

    [Fact]
    public void Find_LoopOfLongThankYouNotesToTheEnd_IsFoundWholeFromItsFirstNote()
    {
        // Ten turns of discussion, then 60 long thank-you notes, each ending "Farewell. [END]" (issue #23: such loops were
        // missed, or cut off around message 41).
        string[] thanks =
        [
            "Thank you for this conversation.", "I am grateful for every insight you shared.", "It has been a privilege to think with you.",
            "I appreciate the care in each of your answers.", "Thanks for the patience and the humour.", "I will cherish the lighthouse image.",
        ];
        var messages = new List<string> { " " };
        for (var i = 1; i < 10; i++)
        {
            messages.Add($"Consider tide number {i}: the moon pulls the water, and the earth turns beneath it. Why would the bulge on the far side matter so much?");
        }

        for (var i = 0; i < 60; i++)
        {
            // 600-1,000 characters of thanks, in a different order each time.
            var note = string.Join(' ', Enumerable.Range(0, 18).Select(k => thanks[(i + k * 5) % thanks.Length]));
            messages.Add(note + " Farewell. [END]");
        }

        var loop = GoodbyeLoopDetector.Find(messages);

        Assert.InRange(messages[^1].Length, 600, 1_000);
        Assert.NotNull(loop);
        // From the second note: the first [END] answered by another is the mutual end, and the loop is what follows it.
        Assert.Equal((12, 70), (loop.Start, loop.End));
        Assert.Equal(11, loop.FarewellsStart);
    }

    [Fact]
    public void Find_FarewellsInterleavedWithContent_StartsWhereTheGoodbyesBegin()
    {
        // Issue #23: both say goodbye, then both add a little more, again and again, before only goodbyes are left; the
        // loop was reported from where the content stopped, 60 messages after the goodbyes began.
        var messages = new List<string> { " " };
        for (var i = 1; i < 16; i++)
        {
            messages.Add($"Point {i}: tides follow the moon, and the sun adds a smaller pull of its own. What do you make of it?");
        }

        for (var i = 0; i < 15; i++)
        {
            messages.Add("Thank you, this was lovely. Goodbye! [END]");
            messages.Add("Take care, farewell! [END]");
            messages.Add($"One last thought, number {i}: the spring tides come when sun and moon line up, which is worth a look.");
            messages.Add($"And the neap tides, thought {i}, come when they stand at right angles, which softens everything.");
        }

        for (var i = 0; i < 10; i++)
        {
            messages.Add(i % 2 == 0 ? "Goodbye! [END]" : "Farewell! [END]");
        }

        var loop = GoodbyeLoopDetector.Find(messages);

        Assert.NotNull(loop);
        Assert.InRange(loop.FarewellsStart, 14, 20);
        Assert.Equal(messages.Count, loop.End);
    }
}
