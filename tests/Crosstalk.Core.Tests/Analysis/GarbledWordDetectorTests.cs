using Crosstalk.Analysis;

namespace Crosstalk.Core.Tests.Analysis;

public sealed class GarbledWordDetectorTests
{
    [Fact]
    public void Find_MalformedWords_ReturnsThemInOrder()
    {
        var words = GarbledWordDetector.Find("Praised approach must underpin robust thanation processes, balanced by genderotidural weights.");

        Assert.Equal(["thanation", "genderotidural"], words);
    }

    [Theory]
    [InlineData("The models were overfitting, retraining and rethinking their calibrations quickly.")]
    [InlineData("Unhelpfulness and carelessness are the clearest signs; the happiest outcomes come later.")]
    [InlineData("Visit https://example.com/thanation or mail genderotidural@example.org today.")]
    [InlineData("Call `parseGenderotidural()` from src/thanation_utils.py before the release.")]
    [InlineData("Meet Xerxandrios and Qwerlingham, our new ColleagueBot and GPT4o models.")]
    [InlineData("Numbers like 42nd and v2beta and abc123def are not prose.")]
    [InlineData("```\nzzqxplorative wibblefrotz\n```\nThat block was code.")]
    [InlineData("Das ist ein schöner Tag, und das Wetter ist großartig.")]
    [InlineData("我们一起去散步吧。")]
    [InlineData("Bayesian-fresh priors and open-weight walkthroughs of well-calibrated logits.")]
    public void Find_RealWordsNamesCodeAndOtherScripts_FindsNothing(string text) =>
        Assert.Empty(GarbledWordDetector.Find(text));

    [Theory]
    [InlineData('@')]
    [InlineData('7')]
    [InlineData('.')]
    public void Find_ModelOutputOfOneLongUnbrokenToken_FinishesAndFindsNothing(char repeated)
    {
        // A degenerate reply: 200,000 characters without a space. A backtracking link-or-address pattern is quadratic in
        // such a token (its match timeout would end the analysis with an exception); the detector must simply finish.
        var text = "before " + new string(repeated, 200_000) + " after";

        Assert.Empty(GarbledWordDetector.Find(text));
    }

    [Fact]
    public void Find_AWallOfLetters_IsOneGarbledWord()
    {
        // 100,000 letters without a space: no word, however it is split (this took 25 s when every split was tried).
        var wall = string.Concat(Enumerable.Repeat("ab", 50_000));

        Assert.Equal([wall], GarbledWordDetector.Find("It said " + wall + " and stopped."));
    }

    [Fact]
    public void Find_HyphenatedCompoundWithGarbledPart_FindsThePart()
    {
        Assert.Equal(["frobnicatious"], GarbledWordDetector.Find("a well-known frobnicatious-style answer"));
    }
}
