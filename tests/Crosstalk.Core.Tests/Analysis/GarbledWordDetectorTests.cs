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

public sealed partial class GarbledWordTokenTests
{
    // The pattern the scanner replaced, kept here as its specification.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w@/.\\])[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*(?![\w@/\\]|\.\w)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Reference();

    [FsCheck.Xunit.Property(MaxTest = 3000)]
    public FsCheck.Property Tokens_AreThePatternsMatches(FsCheck.NonNull<string> seed) =>
        FsCheck.Fluent.Prop.ToProperty(Check(Mix(seed.Get)));

    [Theory]
    [InlineData("well-known1 don't e.g. file.txt a@b.c x/y abc_def café naïve-ly o'neill- -end 'quoted' ab-")]
    [InlineData("Hello, world! It's a well‐known fact—isn't it? https://x.y z.")]
    public void Tokens_OnTrickyText_AreThePatternsMatches(string text) => Assert.True(Check(text));

    [FsCheck.Xunit.Property(MaxTest = 3000)]
    public FsCheck.Property CodeOrLink_MatchesOnlyWhereItsPrefilterSaysItMay(FsCheck.NonNull<string> seed)
    {
        // The prefilter lets most messages skip the scan; it must never skip one the pattern would change.
        const string Alphabet = "wWẃ.:/@`hHtpsSſfF x\n-";
        var text = new string([.. seed.Get.Select(c => Alphabet[c % Alphabet.Length])]);
        return FsCheck.Fluent.Prop.ToProperty(
            Crosstalk.Analysis.GarbledWordDetector.MayHoldCodeOrLink(text) || !Crosstalk.Analysis.GarbledWordDetector.CodeOrLink().IsMatch(text));
    }

    [Theory]
    [InlineData("see www.example.org now")]
    [InlineData("see WWW.EXAMPLE.ORG now")]
    [InlineData("at HTTPS://x.y")]
    [InlineData("mail a@b.cd")]
    [InlineData("run `code` here")]
    public void CodeOrLink_EveryKindIsLetThroughThePrefilter(string text)
    {
        Assert.Matches(Crosstalk.Analysis.GarbledWordDetector.CodeOrLink(), text);
        Assert.True(Crosstalk.Analysis.GarbledWordDetector.MayHoldCodeOrLink(text));
    }

    [Theory]
    [InlineData("Visit www.example.com/zqxvbnm-qwrtzpx today")]
    [InlineData("Visit WWW.EXAMPLE.COM/zqxvbnm-qwrtzpx today")]
    public void Find_LinkInEitherCase_IsNoGarbledWordAndNotJudged(string text)
    {
        Assert.Empty(Crosstalk.Analysis.GarbledWordDetector.Find(text, out var judged));
        Assert.Equal(0, judged);
    }

    private static bool Check(string text)
    {
        var expected = new List<(int, int)>();
        foreach (var match in Reference().EnumerateMatches(text))
        {
            expected.Add((match.Index, match.Length));
        }

        return expected.SequenceEqual(Crosstalk.Analysis.GarbledWordDetector.Tokens(text));
    }

    // Random text over the characters that matter to the rule.
    private static string Mix(string seed)
    {
        const string Alphabet = "abXY'’-._@/\\1 é\u0301_\n,";
        return new string([.. seed.Select(c => Alphabet[c % Alphabet.Length])]);
    }
}
