using System.Text.RegularExpressions;
using Crosstalk.Analysis;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Crosstalk.Core.Tests.Analysis;

/// <summary>The refusal detector takes quoted passages out with a scanner; these tests hold it to the pattern it replaced.</summary>
public sealed class RefusalDetectorPropertyTests
{
    [Property(MaxTest = 2_000)]
    public Property WithoutQuotedPassages_IsWhatThePatternReplaces() =>
        Prop.ForAll(QuotedTextGen().ToArbitrary(), text =>
            RefusalDetector.WithoutQuotedPassages(text) == QuotedPassage.Replace(text, " … "));

    [Fact]
    public void WithoutQuotedPassages_PassageOfExactlyTheLongestQuote_IsTakenOutAndOneLonger_IsNot()
    {
        var longest = "\"" + new string('a', RefusalDetector.LongestQuote) + "\"";
        var longer = "\"" + new string('a', RefusalDetector.LongestQuote + 1) + "\"";

        Assert.Equal("x … y", RefusalDetector.WithoutQuotedPassages("x" + longest + "y"));
        Assert.Equal("x" + longer + "y", RefusalDetector.WithoutQuotedPassages("x" + longer + "y"));
        Assert.Equal("said  …  and “open", RefusalDetector.WithoutQuotedPassages("said \"I can't help with that\" and “open"));
        Assert.Equal("』 … ", RefusalDetector.WithoutQuotedPassages("』「" + new string('x', 398) + "」"));
    }

    // The pattern the scanner replaced, kept here as its specification. It ran with RegexOptions.NonBacktracking, which
    // missed some passages the pattern describes ("』「" + 398 letters + "」" was left whole); the backtracking engine reads
    // it as written, and on text this short and a pattern whose every branch opens with its own mark it cannot run away.
    private static readonly Regex QuotedPassage = new(
        "\"[^\"\\n]{0,400}\"|“[^”]{0,400}”|«[^»]{0,400}»|„[^“”]{0,400}[“”]|「[^」]{0,400}」|『[^』]{0,400}』|`[^`\\n]{0,400}`",
        RegexOptions.CultureInvariant);

    private static Gen<string> QuotedTextGen() =>
        Gen.OneOf(
                Gen.Elements("\"", "“", "”", "«", "»", "„", "「", "」", "『", "』", "`", "\n", "a", "b c", " "),
                Gen.Choose(395, 405).Select(n => new string('x', n)))
            .ListOf()
            .Select(parts => string.Concat(parts));
}
