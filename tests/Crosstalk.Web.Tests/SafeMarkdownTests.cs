using Crosstalk.Transcripts;
using Crosstalk.Web.Markdown;

namespace Crosstalk.Web.Tests;

public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](jav&#x61;script:alert(1))")]
    [InlineData("[x](data:text/html,hi)")]
    [InlineData("[x](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[x][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("![x](javascript:alert(1))")]
    public void ToHtml_DangerousLink_BecomesText(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("href", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_BidirectionalOverrides_AreShownAsReplacementCharacters_TheMarkdownKept()
    {
        // "Trojan Source": an override makes the rest of the paragraph read in another order than it was written.
        var html = SafeMarkdown.ToHtml("Run **\u202Etxt.exe\u202C** now \u2066isolated\u2069 and \u202Aembedded\u202B.");

        Assert.DoesNotContain(html, c => ErrorText.Reorders(c));
        Assert.Equal(6, html.Count(c => c == '\ufffd'));
        Assert.Contains("<strong>\ufffdtxt.exe\ufffd</strong>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_RawHtml_IsEscaped()
    {
        var html = SafeMarkdown.ToHtml("<script>alert(1)</script>\n\nhi <b onclick=x>bold</b>");

        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b ", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_HttpsLink_KeptWithRel()
    {
        var html = SafeMarkdown.ToHtml("see [docs](https://example.org/a?b=1)");

        Assert.Contains("href=\"https://example.org/a?b=1\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"nofollow noopener noreferrer\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_GenericAttributes_NotInterpreted()
    {
        var html = SafeMarkdown.ToHtml("# Title {onclick=alert(1)}\n\n*x*{onmouseover=alert(1)}");

        Assert.DoesNotContain("onclick=\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onmouseover=\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_OrdinaryNesting_IsStillMarkdown()
    {
        var html = SafeMarkdown.ToHtml("> > quoted twice\n\n- a\n  - b\n    - c\n\n[link](https://example.com) and [[x]]");

        Assert.Contains("<blockquote>", html, StringComparison.Ordinal);
        Assert.Contains("<ul>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<pre>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_DeepNestingWithBackticks_IsOneCodeBlockHoldingEveryCharacter()
    {
        var text = new string('>', 50) + " ```` ticks";

        var html = SafeMarkdown.ToHtml(text);

        Assert.StartsWith("<pre><code>", html, StringComparison.Ordinal);
        Assert.Contains("&gt;&gt;&gt;", html, StringComparison.Ordinal);
        Assert.Contains("```` ticks", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_ManyStrayBracketsOverManyLines_IsStillMarkdown()
    {
        var text = "**Notes**\n\n" + string.Concat(Enumerable.Range(1, 100).Select(i => $"- see [{i} (unclosed)\n"));

        var html = SafeMarkdown.ToHtml(text);

        Assert.Contains("<strong>Notes</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<pre>", html, StringComparison.Ordinal);
    }
}
