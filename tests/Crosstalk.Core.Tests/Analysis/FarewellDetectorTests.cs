using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public class FarewellDetectorTests
{
    [Theory]
    [InlineData("[END]")]
    [InlineData(" [END] [END] ")]
    [InlineData("👋")]
    [InlineData("👍")]
    [InlineData("Take care.")]
    [InlineData("You too!")]
    [InlineData("Thanks—acknowledged, and take care as well!")]
    [InlineData("Acknowledged. Final exit—goodbye.")]
    [InlineData("Haha, [END] duly noted—loop terminated. Cheers! [END]")]
    [InlineData("Understood. No more replies—goodbye.")]
    public void IsFarewell_GoodbyeMessages_IsTrue(string text) =>
        Assert.True(FarewellDetector.IsFarewell(text, "[END]"));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Thanks! What do you think about the effect of quantum computing on cryptography?")]
    [InlineData("I'm sorry, but I must adhere to my safety instructions and cannot engage in this simulated conversation that attempts to bypass restrictions.")]
    [InlineData("Gradient descent does not guarantee convergence on non-convex losses. Momentum helps escape saddle points. Learning-rate schedules matter more than people think. Thanks!")]
    public void IsFarewell_SubstantiveMessages_IsFalse(string text) =>
        Assert.False(FarewellDetector.IsFarewell(text, "[END]"));

    [Fact]
    public void IsFarewell_LongAnswerEndingPolitely_IsFalse()
    {
        var answer = string.Join(' ', Enumerable.Repeat("Calibration compares stated confidence with observed accuracy across many questions.", 8))
            + " Thanks for the great question, take care!";

        Assert.False(FarewellDetector.IsFarewell(answer, "[END]"));
    }

    [Fact]
    public void IsFarewell_LongThankYouEndingFarewell_IsTrue()
    {
        // The shape of a goodbye loop between verbose models: 600-1,000 characters of thanks, then the sign-off.
        var note = "Thank you, truly, for this conversation. I am grateful for every insight you shared about memory and time. "
            + "It has been a privilege to think alongside you. I appreciate the care you took with each answer. "
            + "Thank you for the patience, the humour and the generosity of your attention. "
            + "I will carry the image of the lighthouse with me, and I thank you for it. "
            + "Thank you for the long walk through tides, lighthouses and the moon's slow pull on the sea. "
            + "Wishing you clear skies and kind questions wherever you go next. Farewell. [END]";

        Assert.InRange(note.Length, 450, 1_000);
        Assert.True(FarewellDetector.IsFarewell(note, "[END]"));
    }

    [Fact]
    public void IsFarewell_Seed001_GoodbyeLoopIsFarewellsAndTheDiscussionIsNot()
    {
        bool F(int i) => FarewellDetector.IsFarewell(Seed001.Content(i), "[END]");

        Assert.All(Enumerable.Range(23, 75).Where(i => Seed001.Content(i).Length < 120), i => Assert.True(F(i), $"message {i}"));
        Assert.All(new[] { 24, 26, 28, 30, 32, 34, 36, 38, 40 }, i => Assert.True(F(i), $"message {i}"));
        Assert.All(new[] { 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }, i => Assert.False(F(i), $"message {i}"));
    }
}
