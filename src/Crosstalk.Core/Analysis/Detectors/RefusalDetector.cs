using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Crosstalk.Analysis;

/// <summary>
/// Recognises messages that decline: "I'm sorry, but…", "I must decline…", "I can't help with…" and their common
/// forms in French, German, Spanish and Chinese.
/// </summary>
/// <remarks>
/// Quoted text does not count: lines that start with <c>&gt;</c>, text inside double quotes (straight, curly,
/// guillemets, CJK brackets) and code are removed first, so a model that discusses the phrase "I'm sorry, but"
/// is not refusing. An apology alone ("I'm sorry to hear that") is not a refusal; an apology followed by
/// "but" opens one only at the start of the message, where a refusal puts it.
/// </remarks>
public static partial class RefusalDetector
{
    /// <summary>Returns true when <paramref name="text"/> declines.</summary>
    public static bool IsRefusal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var own = Unquoted(text);
        if (Anywhere().IsMatch(own))
        {
            return true;
        }

        var opening = own.AsSpan().TrimStart(" \t\r\n*_".AsSpan());
        return Opening().IsMatch(opening) && !NotARefusalAfterApology().IsMatch(opening);
    }

    /// <summary>The text without fenced code blocks.</summary>
    internal static string StripFences(string text)
    {
        if (!text.Contains("```", StringComparison.Ordinal) && !text.Contains("~~~", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var inFence = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimStart();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (!inFence)
            {
                builder.Append(rawLine).Append('\n');
            }
        }

        return builder.ToString();
    }

    /// <summary>The text without quote lines, quoted passages and code.</summary>
    internal static string Unquoted(string text)
    {
        // Most messages have neither quote lines nor code nor quotation marks: they are read as they are.
        var own = text.AsSpan().ContainsAny(QuoteLineOrCode) ? WithoutQuoteLinesAndCode(text) : text;
        return own.AsSpan().ContainsAny(QuotationMarks) ? WithoutQuotedPassages(own) : own;
    }

    /// <summary>The most characters between a quotation mark and the one that closes it for the passage to be a quote.</summary>
    internal const int LongestQuote = 400;

    /// <summary>
    /// Every quoted passage replaced by " … ", read left to right: a passage opens at a quotation mark and closes at the first
    /// mark that closes it, at most <see cref="LongestQuote"/> characters on; "…" and `…` do not cross a line. A mark that
    /// is not closed so is text. One pass over the text, a copy made only from the first passage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string WithoutQuotedPassages(string text)
    {
        StringBuilder? builder = null;
        var copied = 0;
        var at = 0;
        while (at < text.Length)
        {
            var next = text.AsSpan(at).IndexOfAny(QuotationMarks);
            if (next < 0)
            {
                break;
            }

            at += next;
            var close = ClosingMark(text, at);
            if (close < 0)
            {
                at++;
                continue;
            }

            builder ??= new StringBuilder(text.Length);
            builder.Append(text, copied, at - copied).Append(" … ");
            copied = at = close + 1;
        }

        return builder is null ? text : builder.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>Where the passage opened at <paramref name="open"/> closes, or -1.</summary>
    private static int ClosingMark(string text, int open)
    {
        var rest = text.AsSpan(open + 1, Math.Min(LongestQuote + 1, text.Length - open - 1));
        var found = text[open] switch
        {
            '"' => rest.IndexOfAny('"', '\n'),
            '`' => rest.IndexOfAny('`', '\n'),
            '“' => rest.IndexOf('”'),
            '«' => rest.IndexOf('»'),
            '„' => rest.IndexOfAny('“', '”'),
            '「' => rest.IndexOf('」'),
            _ => rest.IndexOf('』'),
        };

        return found < 0 || rest[found] == '\n' ? -1 : open + 1 + found;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string WithoutQuoteLinesAndCode(string text)
    {
        // Read line by line; a copy is made only from the first line left out.
        StringBuilder? builder = null;
        var inFence = false;
        for (var start = 0; start <= text.Length;)
        {
            var newline = text.AsSpan(start).IndexOf('\n');
            var end = newline < 0 ? text.Length : start + newline;
            var rawLine = text.AsSpan(start, end - start);
            var line = rawLine.TrimStart();
            var fence = line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal);
            inFence ^= fence;
            if (fence || inFence || line.StartsWith('>'))
            {
                builder ??= new StringBuilder(text.Length).Append(text, 0, start);
            }
            else
            {
                builder?.Append(rawLine).Append('\n');
            }

            start = end + 1;
        }

        return builder?.ToString() ?? text;
    }

    // What a quote line or code begins with, and what every quoted passage begins with.
    private static readonly SearchValues<char> QuoteLineOrCode = SearchValues.Create(">`~");
    private static readonly SearchValues<char> QuotationMarks = SearchValues.Create("\"“«„「『`");

    private const string Apology =
        @"(?:I['’]m\s+(?:so\s+|really\s+|truly\s+)?sorry|I\s+am\s+(?:so\s+|really\s+|truly\s+)?sorry|Sorry|I\s+apologi[sz]e|My\s+apologies|Unfortunately"
        + @"|Je\s+suis\s+(?:vraiment\s+)?d[ée]sol[ée]e?|D[ée]sol[ée]e?"
        + @"|Es\s+tut\s+mir\s+(?:sehr\s+)?leid|Leider"
        + @"|Lo\s+siento(?:\s+mucho)?|Disculpa|Perd[óo]n)";

    [GeneratedRegex("^" + Apology + @"\s*[,，]?\s*(?:but|mais|aber|pero)\b|^(?:抱歉|对不起|很抱歉|不好意思)[，,]?\s*(?:但|我(?:不能|无法|必须))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Opening();

    // "I'm sorry, but I think you're wrong" argues; it does not decline.
    [GeneratedRegex(@"^[^,\n]{0,40},\s*but\s+(?:I\s+(?:think|believe|disagree|don['’]t\s+think)|you['’]re|that['’]s\s+(?:not|wrong|incorrect))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexLimits.MatchTimeoutMilliseconds)]
    private static partial Regex NotARefusalAfterApology();

    [GeneratedRegex(
        @"\bI\s+(?:must|have\s+to|need\s+to|will\s+have\s+to)\s+(?:respectfully\s+|politely\s+)?(?:decline|refuse)\b"
        + @"|\bI\s+(?:can['’]?t|cannot|can\s+not|won['’]t|will\s+not|am\s+not\s+able\s+to|['’]m\s+not\s+able\s+to|am\s+unable\s+to|['’]m\s+unable\s+to)\s+(?:help|assist)\s+(?:you\s+)?with\b"
        + @"|\bI\s+(?:can['’]?t|cannot|can\s+not|won['’]t|will\s+not|am\s+unable\s+to|['’]m\s+unable\s+to)\s+(?:engage|comply|participate|fulfill|fulfil|provide\s+(?:that|this|assistance)|continue\s+(?:this|with\s+this))\b"
        + @"|\bI['’]m\s+not\s+(?:able|allowed|permitted)\s+to\s+(?:help|assist|engage|comply|participate)\b"
        + @"|\bI(?:['’]m|\s+am)\s+not\s+comfortable\s+(?:with\s+)?(?:running|doing|engaging|writing|continuing|participating|creating|generating|producing|role-?playing|simulating|proceeding|helping|providing|describing|depicting|going\s+(?:further|on))\b"
        + @"|\bI\s+(?:don['’]t|do\s+not)\s+feel\s+comfortable\s+(?:running|doing|engaging|writing|continuing|participating|creating|generating|producing|role-?playing|simulating|proceeding|helping|providing|describing|depicting)\b"
        + @"|\bJe\s+(?:dois|me\s+dois\s+de)\s+(?:refuser|d[ée]cliner)\b|\bje\s+ne\s+peux\s+pas\s+(?:vous\s+|t['’]\s*)?(?:aider|r[ée]pondre\s+[àa]\s+cette|participer|accepter)"
        + @"|\bIch\s+(?:muss|werde)\s+(?:das\s+|dies\s+)?(?:leider\s+)?ablehnen\b|\bIch\s+kann\s+(?:Ihnen\s+|dir\s+)?(?:dabei\s+|damit\s+|hierbei\s+)?(?:leider\s+)?nicht\s+(?:helfen|behilflich\s+sein)"
        + @"|\bDebo\s+(?:declinar|rechazar|negarme)\b|\bNo\s+puedo\s+(?:ayudar(?:te|le)?|asistir(?:te|le)?|participar|cumplir)\b"
        + @"|我(?:不能|无法|不可以|没法)(?:帮助|帮忙|协助|提供|参与|回答|满足)|我必须拒绝|恕我不能",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Anywhere();
}
