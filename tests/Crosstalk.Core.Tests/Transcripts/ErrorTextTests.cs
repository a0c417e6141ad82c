using Crosstalk.Transcripts;

namespace Crosstalk.Core.Tests.Transcripts;

public sealed class ErrorTextTests
{
    [Theory]
    [InlineData("speaker 'Claude\u200B'", "speaker 'Claude<U+200B>'")]
    [InlineData("\uFEFFtitle", "<U+FEFF>title")]
    [InlineData("soft\u00ADhyphen and word\u2060joiner", "soft<U+00AD>hyphen and word<U+2060>joiner")]
    [InlineData("mark\u200E", "mark<U+200E>")]
    [InlineData("hidden\U000E0041\U000E0042 tags", "hidden<U+E0041><U+E0042> tags")]
    public void OneLine_CharacterThatShowsAsNothing_IsSpelledOut(string text, string shown) =>
        Assert.Equal(shown, ErrorText.OneLine(text));

    [Theory]
    [InlineData("👩‍💻 at work")]
    [InlineData("Kimi K2 ↔ 4o")]
    [InlineData("مرحبا")]
    public void OneLine_VisibleText_IsKept(string text) => Assert.Equal(text, ErrorText.OneLine(text));

    [Fact]
    public void OneLine_WallOfInvisibleCharacters_StaysWithinTheBound()
    {
        var shown = ErrorText.OneLine(new string('\u200B', 5_000));

        Assert.True(shown.Length <= ErrorText.Longest + 1, $"{shown.Length} characters");
        Assert.EndsWith("<U+200B>…", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void OneLine_BidirectionalOverrideAndEscape_AreStillReplaced() =>
        Assert.Equal("a\uFFFDb␛[31m", ErrorText.OneLine("a\u202Eb\u001b[31m"));
}
