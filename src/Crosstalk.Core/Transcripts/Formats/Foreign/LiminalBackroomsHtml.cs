using System.Globalization;
using System.Net;
using System.Text;

namespace Crosstalk.Transcripts.Formats.Foreign;

/// <summary>
/// liminal_backrooms' <c>conversation_full.html</c>: one <c>&lt;div class="message …"&gt;</c> per message with the speaker
/// (<c>AI-1</c>, <c>AI-2</c>, …, <c>User</c>) and the model's display name in the header, the text HTML-escaped, fenced code
/// turned into <c>&lt;pre&gt;&lt;code&gt;</c>. The AIs sit on seats 1, 2, … in their number's order; the user and the app's
/// notices (messages without a header) sit after them. Code blocks are read back as fences; the header's time is when the
/// file was written, not when a message was, so it is kept as metadata only. Read with a scanner, not regular expressions.
/// </summary>
public static class LiminalBackroomsHtml
{
    /// <summary>The value of <see cref="TranscriptMetadataKeys.SourceFormat"/>.</summary>
    public const string Format = "liminal-backrooms";

    private const string MessageStart = "<div class=\"message ";

    /// <summary>Whether an HTML text is a liminal_backrooms conversation.</summary>
    public static bool IsConversation(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("<div id=\"conversation\">", StringComparison.Ordinal) && text.Contains("Liminal Backrooms", StringComparison.Ordinal);
    }

    /// <exception cref="TranscriptFormatException">The file holds no message, or a message has no content.</exception>
    public static Transcript Read(string text, string? path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.IndexOf("<div id=\"conversation\">", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new TranscriptFormatException(path, null, "the file is not a liminal_backrooms conversation (no <div id=\"conversation\">)");
        }

        var messages = new List<(string Speaker, string? Model, string Content, int Line)>();
        string? writtenAt = null;
        var at = start;
        int line = 1, counted = 0;
        while ((at = text.IndexOf(MessageStart, at, StringComparison.Ordinal)) >= 0)
        {
            // Lines counted from the last message on, not from the start each time.
            line += text.AsSpan(counted, at - counted).Count('\n');
            counted = at;
            var next = text.IndexOf(MessageStart, at + MessageStart.Length, StringComparison.Ordinal);
            var block = text.AsSpan(at, (next < 0 ? text.Length : next) - at);
            var speaker = Inner(block, "<span class=\"ai-name\">", "</span>");
            var model = Inner(block, "<span class=\"model-name\">(", ")</span>");
            writtenAt ??= Inner(block, "<span class=\"timestamp\">", "</span>");
            var content = Inner(block, "<div class=\"content\">", "</div>")
                ?? throw new TranscriptFormatException(path, line, "a message has no <div class=\"content\">");
            // An image the app generated is in the file as data, not text: the message says that it had one.
            var image = block.Contains("<div class=\"message-image\">", StringComparison.Ordinal) ? "\n[image]" : "";
            messages.Add((speaker is null ? "System" : WebUtility.HtmlDecode(speaker), model is null ? null : WebUtility.HtmlDecode(model), ToText(content) + image, line));
            at += MessageStart.Length;
        }

        if (messages.Count == 0)
        {
            throw new TranscriptFormatException(path, null, "the liminal_backrooms conversation has no messages");
        }

        var builder = new SpeakerTranscript(Format);
        // Each AI's model as its first message names it (one pass: a file may name thousands of AIs).
        var firstModel = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (IsAi(message.Speaker))
            {
                firstModel.TryAdd(message.Speaker, message.Model);
            }
        }

        foreach (var ai in firstModel.Keys.OrderBy(AiNumber))
        {
            builder.Seat(ai, ai, firstModel[ai]);
        }

        foreach (var (speaker, _, content, _) in messages)
        {
            builder.Add(builder.Seat(speaker, speaker), content);
        }

        if (writtenAt is not null)
        {
            builder.Transcript.Metadata["liminal.writtenAt"] = writtenAt;
        }

        return builder.Build();
    }

    private static bool IsAi(string speaker) => speaker.StartsWith("AI-", StringComparison.Ordinal) && int.TryParse(speaker.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static int AiNumber(string speaker) => int.Parse(speaker.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture);

    private static string? Inner(ReadOnlySpan<char> block, string open, string close)
    {
        var start = block.IndexOf(open, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = block[(start + open.Length)..];
        var end = rest.IndexOf(close, StringComparison.Ordinal);
        return end < 0 ? null : rest[..end].ToString();
    }

    // <pre><code class="language-X">code</code></pre> back to a fence, <code>x</code> back to `x`, entities decoded.
    private static string ToText(string html)
    {
        var text = new StringBuilder(html.Length);
        var i = 0;

        // Where each closing was last found: an opening with no closing after it, repeated thousands of times, would
        // otherwise search the rest of the text again for each one.
        int languageFound = -2, codeFound = -2;
        int After(string closing, int from, ref int found)
        {
            if (found == -1 || found >= from)
            {
                return found;
            }

            return found = html.IndexOf(closing, from, StringComparison.Ordinal);
        }

        while (i < html.Length)
        {
            if (string.CompareOrdinal(html, i, "<pre><code class=\"language-", 0, 27) == 0)
            {
                var languageEnd = After("\">", i + 27, ref languageFound);
                var codeEnd = languageEnd < 0 ? -1 : After("</code></pre>", languageEnd, ref codeFound);
                if (codeEnd > 0)
                {
                    var code = html[(languageEnd + 2)..codeEnd];
                    text.Append("```").Append(html, i + 27, languageEnd - i - 27).Append('\n').Append(code);
                    if (!code.EndsWith('\n'))
                    {
                        text.Append('\n');
                    }

                    text.Append("```");
                    i = codeEnd + "</code></pre>".Length;
                    continue;
                }
            }

            if (string.CompareOrdinal(html, i, "<code>", 0, 6) == 0 || string.CompareOrdinal(html, i, "</code>", 0, 7) == 0)
            {
                text.Append('`');
                i += html[i + 1] == '/' ? 7 : 6;
                continue;
            }

            text.Append(html[i]);
            i++;
        }

        return WebUtility.HtmlDecode(text.ToString());
    }
}
