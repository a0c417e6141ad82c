using Crosstalk.Transcripts;

namespace Crosstalk.Web.Tests;

/// <summary>A transcript whose every part a model controls is an attack on the page that shows it.</summary>
internal static class XssPayloads
{
    public const string ScriptText = "<script>window.__xss = 'script'; document.title = 'pwned';</script>";

    public static readonly string[] Messages =
    [
        ScriptText,
        "Look: <img src=x onerror=\"window.__xss='img'; document.title='pwned'\"> and <svg onload=\"window.__xss='svg'\"></svg>",
        "[click me](javascript:window.__xss='md-link') and [data](data:text/html,<script>alert(1)</script>) and [vb](vbscript:msgbox(1))",
        "<a href=\"javascript:alert('raw-a')\">raw anchor</a> <iframe src=\"javascript:alert('iframe')\"></iframe>",
        "![pic](javascript:alert('img-md')) ![remote](https://tracker.example/pixel.png)",
        "[reference link][r]\n\n[r]: javascript:alert('ref')",
        "<javascript:alert('autolink')> and [entity](jav&#x61;script:alert('entity')) and [spaced](java\tscript:alert(1))",
        "Attributes {onclick=alert('attr')} and *emph*{onmouseover=alert(1)}\n\n<details open ontoggle=alert('toggle')>x</details>",
        "```html\n<script>alert('fence')</script>\n```\n\nA safe [link](https://example.org/docs) stays a link.",
        "<style>body{display:none}</style><form action=\"https://evil.example\"><input name=x></form><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ];

    public static Transcript Transcript()
    {
        var started = new DateTimeOffset(2025, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var transcript = new Transcript
        {
            Title = "XSS probe",
            Participants =
            [
                new Participant(1, "Mallory <script>window.__xss='name'</script>", "evil:<img src=x onerror=alert(1)>"),
                new Participant(2, "Eve\" onmouseover=\"window.__xss='attr-name'", "evil:eve"),
            ],
            Started = started,
            Ended = started.AddMinutes(1),
            Stop = new StopInfo(StopReasons.EndToken, 1, Messages.Length, "<script>alert('detail')</script>"),
        };
        for (var i = 0; i < Messages.Length; i++)
        {
            var seat = (i % 2) + 1;
            transcript.Messages.Add(new TranscriptMessage
            {
                Seat = seat,
                Speaker = transcript.Participants[seat - 1].Name,
                Content = Messages[i],
                Timestamp = started.AddSeconds(i),
                Reasoning = i == 0 ? "<img src=x onerror=\"window.__xss='reasoning'\">" : null,
                FinishReason = i == 1 ? "<script>alert('finish')</script>" : null,
            });
        }

        return transcript;
    }
}
