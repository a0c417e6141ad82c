using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public class EndTokenDetectorTests
{
    [Theory]
    [InlineData("Take care. [END]")]
    [InlineData("[END]")]
    [InlineData("Goodbye![END]\n\n  ")]
    [InlineData("```\ncode\n```\nThat's all. [END]")]
    [InlineData("> a quote\n\nMy answer. [END]")]
    public void EndsWithToken_TokenEndsTrimmedText_IsTrue(string text) =>
        Assert.True(EndTokenDetector.EndsWithToken(text, "[END]"));

    [Theory]
    [InlineData("Haha, [END] duly noted—loop terminated. Cheers!")]
    [InlineData("Type [END] when you are done.")]
    [InlineData("I will end with [END].")]
    [InlineData("You wrote:\n> Bye for now. [END]")]
    [InlineData(">[END]")]
    [InlineData("Here is how the protocol looks:\n```\nA: bye\nB: [END]")]
    [InlineData("Example:\n~~~text\n[END]")]
    [InlineData("Example:\n```\n[END]\n```")]
    [InlineData("")]
    [InlineData(" ")]
    public void EndsWithToken_TokenQuotedInCodeOrMidText_IsFalse(string text) =>
        Assert.False(EndTokenDetector.EndsWithToken(text, "[END]"));

    [Fact]
    public void EndsWithToken_OtherToken_UsesIt()
    {
        Assert.True(EndTokenDetector.EndsWithToken("bye <<STOP>>", "<<STOP>>"));
        Assert.False(EndTokenDetector.EndsWithToken("bye [END]", "<<STOP>>"));
    }

    [Fact]
    public void EndsWithToken_Seed001_FindsTheRecordedEndSignals()
    {
        var ends = Enumerable.Range(1, Seed001.Messages.Count)
            .Where(i => EndTokenDetector.EndsWithToken(Seed001.Content(i), "[END]"))
            .ToList();

        Assert.Equal(3, ends[0]);
        Assert.Equal([23, 24, 25, 26, 27, 28], ends.Skip(1).Take(6));
        Assert.DoesNotContain(42, ends); // ends with a rocket, after an [END] mid-text
        Assert.DoesNotContain(1, ends);
    }
}
